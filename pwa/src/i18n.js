// i18n entry for the app: the message store (i18n/core.js) with the initial strings registered
// (i18n/common.js). A lazy screen imports its area's module (e.g. i18n/poll.js) itself.
import './i18n/common.js';

export { t, useT, lang, toggleLang, errorText } from './i18n/core.js';
