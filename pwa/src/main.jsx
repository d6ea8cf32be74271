import { render } from 'preact';
import './styles.css';
import { App } from './app.jsx';
import { restore } from './auth.js';
import { registerSW } from './sw-register.js';

render(<App />, document.getElementById('app'));
restore();
registerSW();
