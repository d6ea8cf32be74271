import { render } from 'preact';
import './styles.css';
import { App } from './app.jsx';
import { restore } from './auth.js';
import { registerSW } from './sw-register.js';
import { applyBigText } from './bigText.jsx';

if (__BUILD_ID__) document.documentElement.dataset.build = __BUILD_ID__;
applyBigText(); // before the first paint: nothing resizes under the reader's eyes
render(<App />, document.getElementById('app'));
restore();
registerSW();
