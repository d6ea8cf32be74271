// What the engines we support (Chromium 69: Android 8 WebViews, WeChat and DingTalk on old phones)
// lack, written once. `npm run check:syntax` finds any other use of a newer built-in in the output.

/** Object.fromEntries (Chromium 73+). */
export function fromEntries(pairs) {
  const object = {};
  for (const [key, value] of pairs) object[key] = value;
  return object;
}
