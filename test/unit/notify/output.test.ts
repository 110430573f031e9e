import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chooseDesktop, desktopSequence, osc777, osc9, osc99, oscSafe, passthrough } from '../../../src/ui/notify-output.js';

const ESC = '\x1b';
const ST = `${ESC}\\`;

describe('notification escape sequences', () => {
  it('OSC 777 is ESC ] 777 ; notify ; title ; body ST', () => {
    assert.equal(osc777('bob in #natter', 'hi there'), `${ESC}]777;notify;bob in #natter;hi there${ST}`);
  });
  it('OSC 9 carries "title: body"', () => {
    assert.equal(osc9('bob', 'hi'), `${ESC}]9;bob: hi${ST}`);
    // A leading digit would read as a ConEmu sub-command (OSC 9 ; 4 ; …).
    assert.equal(osc9('4;1', 'x'), `${ESC}]9; 4;1: x${ST}`);
  });
  it('OSC 99 sends the title chunk, then the body chunk with the same id', () => {
    assert.equal(osc99('bob', 'hi', 'n1'), `${ESC}]99;i=n1:d=0;bob${ST}${ESC}]99;i=n1:d=1:p=body;hi${ST}`);
  });
  it('no control character from a message reaches the terminal inside the OSC', () => {
    const evil = `a${ESC}]52;c;cHduZWQ=\x07b\x9c${ESC}\\c\u009b31m\r\nd`;
    for (const seq of [osc777(evil, evil), osc9(evil, evil), osc99(evil, evil, 'x;\x07')]) {
      // Only the sequences' own ESC ] openers and ESC \ terminators remain.
      // eslint-disable-next-line no-control-regex
      const inner = seq.replaceAll(ST, '').replace(/\x1b\](777|9|99);/g, '');
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(inner, /[\x00-\x1f\x7f-\x9f]/, JSON.stringify(seq));
    }
    assert.equal(oscSafe(evil), 'a ]52;c;cHduZWQ= b \\c 31m d');
    // The title of OSC 777 cannot add a field.
    assert.equal(osc777('a;b', 'c;d'), `${ESC}]777;notify;a,b;c;d${ST}`);
  });
  it('tmux passthrough doubles the ESCs inside; screen wraps each OSC', () => {
    assert.equal(passthrough(osc777('t', 'b'), 'tmux'), `${ESC}Ptmux;${ESC}${ESC}]777;notify;t;b${ESC}${ESC}\\${ST}`);
    assert.equal(passthrough(osc777('t', 'b'), 'screen'), `${ESC}P${ESC}]777;notify;t;b\x07${ST}`);
  });
});

describe('choosing the desktop sequence', () => {
  const table: Array<[string, Parameters<typeof chooseDesktop>[0], NodeJS.ProcessEnv, boolean, string | undefined, boolean]> = [
    ['auto in a plain terminal', 'auto', { TERM: 'xterm-256color' }, false, 'osc777', false],
    ['auto in kitty (TERM)', 'auto', { TERM: 'xterm-kitty' }, false, 'osc99', false],
    ['auto in kitty (KITTY_WINDOW_ID)', 'auto', { TERM: 'xterm-256color', KITTY_WINDOW_ID: '1' }, false, 'osc99', false],
    ['auto in tmux: nothing', 'auto', { TERM: 'tmux-256color', TMUX: '/tmp/tmux-0/default,1,0' }, false, undefined, false],
    ['auto in screen: nothing', 'auto', { TERM: 'screen', STY: '1.pts' }, false, undefined, false],
    ['auto in tmux with passthrough', 'auto', { TERM: 'tmux-256color', TMUX: 'x' }, true, 'osc777', true],
    ['auto in tmux inside kitty with passthrough', 'auto', { TERM: 'tmux-256color', TMUX: 'x', KITTY_WINDOW_ID: '3' }, true, 'osc99', true],
    ['explicit osc9', 'osc9', { TERM: 'xterm' }, false, 'osc9', false],
    ['off', 'off', { TERM: 'xterm-kitty' }, true, undefined, false],
  ];
  for (const [name, setting, env, pass, kind, wrap] of table) {
    it(name, () => {
      const c = chooseDesktop(setting, env, pass);
      assert.equal(c.kind, kind);
      assert.equal(c.wrap, wrap);
    });
  }
  it('writes nothing when none is chosen', () => {
    assert.equal(desktopSequence(chooseDesktop('off', {}, false), 't', 'b', '1'), '');
    assert.equal(desktopSequence(chooseDesktop('auto', { TMUX: 'x' }, true), 't', 'b', '1'), `${ESC}Ptmux;${ESC}${ESC}]777;notify;t;b${ESC}${ESC}\\${ST}`);
  });
});
