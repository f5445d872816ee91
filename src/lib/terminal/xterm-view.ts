/**
 * The xterm.js screen behind Terminal.svelte, kept in its own module so the
 * app imports it lazily (`import()`): xterm.js and its stylesheet are then a
 * separate chunk, loaded once a terminal is on the page, not part of the
 * first load.
 *
 * This is glue only: it shows what it is given and hands keys back. The
 * terminal is opened once its element has a size (a hidden tab has none, and
 * xterm measures its font on open), and refitted whenever that size changes.
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { THEME } from './ansi.ts';

/** What the view hands back to its owner. */
export interface XtermViewOptions {
  /** Typed or pasted input, as xterm encodes it (see line-editor.ts). */
  readonly onData: (data: string) => void;
  /**
   * Tab was pressed (without Shift or modifiers): true if the owner used it
   * (a completion), false to let the browser move focus on, so Tab never
   * traps a keyboard user in the terminal (WCAG 2.1.2).
   */
  readonly onTab: () => boolean;
  /** Whether the cursor may blink (not under prefers-reduced-motion). */
  readonly cursorBlink: boolean;
}

/** An xterm.js terminal mounted in one element. */
export class XtermView {
  readonly #terminal: Terminal;
  readonly #fit = new FitAddon();
  readonly #observer: ResizeObserver;
  #opened = false;

  constructor(element: HTMLElement, options: XtermViewOptions) {
    this.#terminal = new Terminal({
      fontFamily: getComputedStyle(element).fontFamily,
      fontSize: 15,
      lineHeight: 1.2,
      cursorBlink: options.cursorBlink,
      convertEol: false,
      scrollback: 2000,
      theme: THEME,
      allowProposedApi: false,
    });
    this.#terminal.loadAddon(this.#fit);
    this.#terminal.onData(options.onData);
    this.#terminal.attachCustomKeyEventHandler((event) => {
      if (event.key !== 'Tab') return true;
      if (event.type === 'keydown' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
        if (options.onTab()) event.preventDefault();
      }
      // Never let xterm send a Tab itself: either we completed, or focus moves on.
      return false;
    });
    this.#observer = new ResizeObserver(() => this.#layout(element));
    this.#observer.observe(element);
    this.#layout(element);
  }

  /** Writes text (with escape sequences) at the cursor. */
  write(text: string): void {
    this.#terminal.write(text);
  }

  /** Turns cursor blinking on or off. */
  set cursorBlink(on: boolean) {
    this.#terminal.options.cursorBlink = on;
  }

  /** Moves keyboard focus into the terminal. */
  focus(): void {
    this.#terminal.focus();
  }

  /** Lets go of the terminal and its DOM. */
  dispose(): void {
    this.#observer.disconnect();
    this.#terminal.dispose();
  }

  #layout(element: HTMLElement): void {
    if (element.clientWidth === 0 || element.clientHeight === 0) return;
    if (!this.#opened) {
      this.#opened = true;
      this.#terminal.open(element);
    }
    this.#fit.fit();
  }
}
