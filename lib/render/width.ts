/** Text width in terminal columns, measured the way prettier measures it when it lays out lines and tables. */

/** Columns as wide as East Asian wide characters and emoji display, as prettier measures them. */
const wide = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;

/** The display width of `text`: control and combining characters take no column, wide ones two. */
export const displayWidth = (text: string): number => {
  if (!/[^\x20-\x7e]/.test(text)) return text.length;
  let width = 0;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f) || (code >= 0x300 && code <= 0x36f)) continue;
    width += wide.test(character) ? 2 : 1;
  }
  return width;
};
