// xterm colour themes matching the page's dark and light themes.
import type { ITheme } from '@xterm/xterm';
import type { Theme } from '../../_lib/prefs';

const DARK: ITheme = {
  background: '#0b0e12',
  foreground: '#d8dee9',
  cursor: '#4aa3ff',
  cursorAccent: '#0b0e12',
  selectionBackground: '#2d4f7c',
  selectionInactiveBackground: '#26384f',
  black: '#1d232c',
  red: '#f26b5e',
  green: '#3fb950',
  yellow: '#e3b341',
  blue: '#58a6ff',
  magenta: '#d2a8ff',
  cyan: '#56d4dd',
  white: '#c9d1d9',
  brightBlack: '#6e7681',
  brightRed: '#ff938a',
  brightGreen: '#56d364',
  brightYellow: '#f2cc60',
  brightBlue: '#79c0ff',
  brightMagenta: '#e2c5ff',
  brightCyan: '#7ee7ef',
  brightWhite: '#f0f6fc',
};

const LIGHT: ITheme = {
  background: '#fbfbfc',
  foreground: '#1f2328',
  cursor: '#0b6bcb',
  cursorAccent: '#fbfbfc',
  selectionBackground: '#b6d7ff',
  selectionInactiveBackground: '#d5e6fa',
  black: '#24292f',
  red: '#cf222e',
  green: '#116329',
  yellow: '#7d4e00',
  blue: '#0550ae',
  magenta: '#8250df',
  cyan: '#1b7c83',
  white: '#6e7781',
  brightBlack: '#57606a',
  brightRed: '#a40e26',
  brightGreen: '#1a7f37',
  brightYellow: '#633c01',
  brightBlue: '#0969da',
  brightMagenta: '#a475f9',
  brightCyan: '#3192aa',
  brightWhite: '#8c959f',
};

/** The xterm theme for the page theme. */
export function terminalTheme(theme: Theme): ITheme {
  return theme === 'dark' ? DARK : LIGHT;
}
