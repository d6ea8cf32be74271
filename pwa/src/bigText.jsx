// 大字 mode (适老化): body text from 17 to 20 px, small print no smaller than 18 px, taller buttons.
// Chosen by the person on a member or voting page, kept on this phone (localStorage) and applied
// before the first paint (main.jsx), so every later page opens in the size they chose.
import { useStore, createStore } from './store.js';
import { useT } from './i18n.js';

const KEY = 'zct-big-text';
const stored = () => {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
};
export const bigText = createStore(stored());

export function applyBigText(on = bigText.get()) {
  document.documentElement.classList.toggle('big', on);
}

export function setBigText(on) {
  try {
    localStorage.setItem(KEY, on ? '1' : '0');
  } catch {
    /* private mode: this page only */
  }
  bigText.set(on);
  applyBigText(on);
}

export function BigTextToggle() {
  const t = useT();
  const on = useStore(bigText);
  return (
    <div class="big-toggle">
      <button
        type="button"
        class="btn secondary"
        aria-pressed={on ? 'true' : 'false'}
        onClick={() => setBigText(!on)}
        data-testid="big-text"
      >
        {on ? t('common.normalText') : t('common.bigText')}
      </button>
    </div>
  );
}
