/**
 * Text that may go into an XML 1.0 stanza. C0 controls other than tab, LF and CR, U+FFFE/U+FFFF and lone surrogates
 * are not XML characters (XML 1.0 §2.2): one of them in a stanza is a stream error (`not-well-formed`) that would
 * cost the whole connection, so they are removed before anything is sent.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function xmlSafe(text: string): string {
  return text.replace(NOT_XML, '');
}
