/**
 * A Prosody 0.12 module for the test server: XEP-0425 Moderated Message Retraction (v0.3, `urn:xmpp:message-moderate:1`)
 * in MUC rooms. Debian packages no community modules (mod_muc_moderation lives in prosody-modules), so the harness
 * brings this small stand-in written for the tests: a moderator asks the room to retract a message by its stanza-id;
 * the room checks the role and announces the retraction to every occupant from its own bare JID, with the reason and
 * a fallback body. It keeps no tombstone in the archive (the tests look at what the room announces).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The module's name as it goes into `modules_enabled` of the MUC component. */
export const MODERATION_MODULE = 'natter_muc_moderation';

const SOURCE = `-- natter test harness (test/harness/prosody-moderation.ts): XEP-0425 v0.3 for Prosody 0.12 MUC.
local st = require "util.stanza";
local jid_bare = require "util.jid".bare;
local new_id = require "util.id".medium;
local mod_muc = module:depends "muc";

local xmlns_moderate = "urn:xmpp:message-moderate:1";
local xmlns_retract = "urn:xmpp:message-retract:1";

module:hook("muc-disco#info", function (event)
  event.reply:tag("feature", { var = xmlns_moderate }):up();
end);

module:hook("iq-set/bare/" .. xmlns_moderate .. ":moderate", function (event)
  local stanza, origin = event.stanza, event.origin;
  local request = stanza.tags[1];
  local room = mod_muc.get_room_from_jid(jid_bare(stanza.attr.to));
  if not room then
    origin.send(st.error_reply(stanza, "cancel", "item-not-found"));
    return true;
  end
  local target = request.attr.id;
  if not target or not request:get_child("retract", xmlns_retract) then
    origin.send(st.error_reply(stanza, "modify", "bad-request"));
    return true;
  end
  local actor = room:get_occupant_jid(stanza.attr.from);
  if not actor or room:get_role(actor) ~= "moderator" then
    origin.send(st.error_reply(stanza, "auth", "forbidden", "only moderators may retract messages of others"));
    return true;
  end
  local reason = request:get_child_text("reason");
  local announcement = st.message({ from = room.jid, type = "groupchat", id = new_id() });
  announcement:tag("retract", { xmlns = xmlns_retract, id = target });
  announcement:tag("moderated", { xmlns = xmlns_moderate, by = actor }):up();
  if reason then announcement:text_tag("reason", reason); end
  announcement:up();
  announcement:tag("fallback", { xmlns = "urn:xmpp:fallback:0", ["for"] = xmlns_retract }):up();
  announcement:text_tag("body", "This message has been moderated.");
  module:log("info", "message %s in %s retracted by moderator %s", target, room.jid, actor);
  room:broadcast_message(announcement);
  origin.send(st.reply(stanza));
  return true;
end);
`;

/** Writes the module into `dir` (a `plugin_paths` entry of the server's config). */
export function writeModerationModule(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `mod_${MODERATION_MODULE}.lua`), SOURCE);
}
