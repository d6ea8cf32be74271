// One GPS fix with a timeout. Never throws: without a fix the filing is still allowed.
export function locate({ timeout = 20_000, maximumAge = 60_000 } = {}) {
  return new Promise((resolve) => {
    if (!navigator.geolocation) {
      resolve({ error: 'UNSUPPORTED' });
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lng: p.coords.longitude, accuracyM: Math.round(p.coords.accuracy), at: p.timestamp }),
      (e) => resolve({ error: e.code === 1 ? 'DENIED' : e.code === 3 ? 'TIMEOUT' : 'UNAVAILABLE' }),
      { enableHighAccuracy: true, timeout, maximumAge },
    );
  });
}
