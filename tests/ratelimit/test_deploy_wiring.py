"""The shipped deployments give every app process the same Redis, and the production settings they
produce pass validation only with it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import yaml

from backend.core.settings import Settings, SettingsError
from tests.deploy.files import COMPOSE_FILE, ENV_EXAMPLE, interpolate, k8s_resource, read_env_file

SECRETS = {"jwt_secret": "j" * 40, "poll_key_secret": "p" * 40, "totp_key_secret": "t" * 40}


def test_compose_app_processes_share_the_redis_service() -> None:
    compose = interpolate(yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8")), read_env_file(ENV_EXAMPLE))
    services = compose["services"]
    urls = {services[name]["environment"]["REDIS_URL"] for name in ("app-1", "app-2")}
    (url,) = urls
    assert urlsplit(url).hostname == "redis" and "redis" in services
    redis = services["redis"]
    assert redis["networks"] == ["backend"] and not redis.get("ports")  # internal only
    assert redis["command"][redis["command"].index("--save") + 1] == ""  # counters only: nothing on disk
    assert services["app-1"]["depends_on"]["redis"] == {"condition": "service_healthy"}
    env = services["app-1"]["environment"]
    Settings(app_env=env["APP_ENV"], redis_url=url, **SECRETS).validate()
    with pytest.raises(SettingsError, match="REDIS_URL"):
        Settings(app_env=env["APP_ENV"], **SECRETS).validate()


def test_kubernetes_pods_reach_the_redis_service() -> None:
    url = urlsplit(k8s_resource("ConfigMap", "zhucuntong-config")["data"]["REDIS_URL"])
    service = k8s_resource("Service", "zhucuntong-redis")
    assert url.hostname == f"{service['metadata']['name']}.{service['metadata']['namespace']}.svc"
    assert url.port == service["spec"]["ports"][0]["port"]
    pods = k8s_resource("Deployment", "zhucuntong-redis")["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pods.items()
    policy = k8s_resource("NetworkPolicy", "zhucuntong-redis")["spec"]
    assert policy["podSelector"]["matchLabels"] == service["spec"]["selector"]
    (allowed,) = policy["ingress"][0]["from"]
    assert allowed["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "api"
