// A real OpenID provider for the identity tests: panva's certified `oidc-provider`, with one
// confidential client, a few accounts, no interactive pages, and test-only endpoints under /test/.
//
//   node server.mjs     (env below)   → prints "ISSUER=http://127.0.0.1:<port>" once it listens
//
// Env: PORT (default 0: a free port), CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS and
// POST_LOGOUT_REDIRECT_URIS (comma-separated), ACCOUNTS (JSON: subject → claims, optional),
// ACCOUNT (the subject logged in when the request names none; default "bound").
//
// Logging in is automatic: the interaction logs in the account named by the authorization
// request's login_hint, else the one chosen with POST /test/login-as, else ACCOUNT; consent is
// granted for the scopes asked. The provider's own session cookie makes a second login silent.
//
// Test-only endpoints (POST, JSON body):
//   /test/login-as  {"account": "<subject>"}        the account of the next logins
//   /test/rotate    {}                               a new signing key, made the current one → {"kid"}
//   /test/tamper    {"claims": {...}, "foreignKey": bool}
//                   the next token response's ID token re-signed with the claims changed (with the
//                   provider's current key, or with a key it never published): what a broken or
//                   hostile provider could send, to prove the client checks aud, exp, nonce, kid…
//   /test/client    {"redirect_uris": [...], "post_logout_redirect_uris": [...]}  re-register the client
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';
import { SignJWT, exportJWK, generateKeyPair, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';

const list = (value) => (value || '').split(',').map((s) => s.trim()).filter(Boolean);

const DEFAULT_ACCOUNTS = {
  bound: { name: '县委组织部', phone_number: '+8613900000000', phone_number_verified: true },
  unbound: { name: '无关联用户', phone_number: '+8613811112222', phone_number_verified: true },
  unverified: { name: '未验证手机', phone_number: '+8613900000000', phone_number_verified: false },
  mapped: { name: '由县里关联' },
};
const accounts = process.env.ACCOUNTS ? JSON.parse(process.env.ACCOUNTS) : DEFAULT_ACCOUNTS;
let chosenAccount = process.env.ACCOUNT || 'bound';
let client = {
  client_id: process.env.CLIENT_ID || 'zhucuntong',
  client_secret: process.env.CLIENT_SECRET || 'test-client-secret',
  redirect_uris: list(process.env.REDIRECT_URIS),
  post_logout_redirect_uris: list(process.env.POST_LOGOUT_REDIRECT_URIS),
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
};

async function newSigningKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

const signingKeys = [await newSigningKey()]; // the first signs
let tamper = null;
let issuer = '';
let provider = null;

function build() {
  const p = new Provider(issuer, {
    clients: [client],
    jwks: { keys: signingKeys },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    claims: { openid: ['sub'], profile: ['name'], phone: ['phone_number', 'phone_number_verified'] },
    scopes: ['openid', 'profile', 'phone'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // no confirmation page: the test browser is logged out at once
        logoutSource: async (ctx, form) => {
          ctx.body = `<!doctype html><html><body>${form}<script>document.forms[0].submit()</script></body></html>`;
        },
      },
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (ctx, sub) =>
      accounts[sub] ? { accountId: sub, claims: async () => ({ sub, ...accounts[sub] }) } : undefined,
  });
  p.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && tamper && ctx.body?.id_token) {
      ctx.body = { ...ctx.body, id_token: await resign(ctx.body.id_token, tamper) };
      tamper = null;
    }
  });
  return p;
}

async function resign(idToken, { claims = {}, foreignKey = false }) {
  const jwk = foreignKey ? await newSigningKey() : signingKeys[0];
  const key = await importJWK(jwk, 'RS256');
  const payload = { ...decodeJwt(idToken), ...claims };
  return new SignJWT(payload).setProtectedHeader({ ...decodeProtectedHeader(idToken), kid: jwk.kid }).sign(key);
}

async function readJson(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body ? JSON.parse(body) : {};
}

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const accountId = details.params.login_hint || chosenAccount;
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
}

const testRoutes = {
  '/test/login-as': async (body) => {
    chosenAccount = body.account;
    return { account: chosenAccount };
  },
  '/test/rotate': async () => {
    signingKeys.unshift(await newSigningKey());
    provider = build();
    return { kid: signingKeys[0].kid };
  },
  '/test/tamper': async (body) => {
    tamper = body;
    return { ok: true };
  },
  '/test/client': async (body) => {
    client = { ...client, ...body };
    provider = build();
    return { ok: true };
  },
};

const server = createServer(async (req, res) => {
  try {
    const path = new URL(req.url, issuer).pathname;
    if (req.method === 'POST' && testRoutes[path]) return reply(res, 200, await testRoutes[path](await readJson(req)));
    if (path.startsWith('/interaction/')) return await interaction(req, res);
    return provider.callback()(req, res);
  } catch (err) {
    console.error(err);
    return reply(res, 500, { error: String(err) });
  }
});

server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  provider = build();
  console.log(`ISSUER=${issuer}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
