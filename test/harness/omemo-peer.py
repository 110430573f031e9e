#!/usr/bin/python3
"""
An independent OMEMO peer for natter's interop tests: Debian's python3-omemo with both backends (python3-oldmemo for
legacy `eu.siacs.conversations.axolotl`, python3-twomemo for `urn:xmpp:omemo:2`) on a slixmpp client. Run it with
/usr/bin/python3 (Debian's Python modules load only there).

Usage: omemo-peer.py '<json config>'  with config keys jid, password, host, port, cafile, and optionally signBit
(0 or 1: the Edwards sign bit the identity key must have; seeds are drawn until one matches) and versions (a list
of "legacy"/"omemo2"; default both).

Driven over stdin/stdout with JSON lines. Commands:
  {"cmd": "send", "to": "<bare jid>", "body": "...", "version": "legacy"|"omemo2"}
  {"cmd": "refresh", "jid": "<bare jid>"}          refresh that contact's device lists (both versions)
  {"cmd": "quit"}
Events: ready (deviceId, identity hex, signBit), message (from, body, version, deviceId), sent, refreshed, error.
"""
import asyncio
import base64
import json
import logging
import os
import ssl
import sys
import xml.etree.ElementTree as ET
from typing import Any, Dict, FrozenSet, Optional

import omemo
import oldmemo
import oldmemo.etree
import twomemo
import twomemo.etree
import xeddsa
from slixmpp import ClientXMPP
from slixmpp.exceptions import IqError
from slixmpp.plugins.xep_0004 import Form
from slixmpp.xmlstream import ET as SET

NS_LEGACY = oldmemo.oldmemo.NAMESPACE
NS_TWO = twomemo.twomemo.NAMESPACE
NS_SCE = "urn:xmpp:sce:1"
VERSION_NS = {"legacy": NS_LEGACY, "omemo2": NS_TWO}
NS_VERSION = {v: k for k, v in VERSION_NS.items()}

logging.basicConfig(level=logging.WARNING, stream=sys.stderr)


def emit(event: str, **data: Any) -> None:
    sys.stdout.write(json.dumps({"event": event, **data}) + "\n")
    sys.stdout.flush()


class MemoryStorage(omemo.Storage):
    def __init__(self) -> None:
        super().__init__()
        self.data: Dict[str, omemo.JSONType] = {}

    async def _load(self, key: str) -> omemo.Maybe[omemo.JSONType]:
        return omemo.Just(self.data[key]) if key in self.data else omemo.Nothing()

    async def _store(self, key: str, value: omemo.JSONType) -> None:
        self.data[key] = value

    async def _delete(self, key: str) -> None:
        self.data.pop(key, None)


XMPP: Optional["Peer"] = None


def publish_options(fields: Dict[str, str]) -> Form:
    form = Form()
    form["type"] = "submit"
    form.add_field(var="FORM_TYPE", ftype="hidden", value="http://jabber.org/protocol/pubsub#publish-options")
    for var, value in fields.items():
        form.add_field(var=var, value=value)
    return form


def to_slix(el: ET.Element) -> Any:
    return SET.fromstring(ET.tostring(el))


class SessionManager(omemo.SessionManager):
    @staticmethod
    async def _upload_bundle(bundle: omemo.Bundle) -> None:
        assert XMPP is not None
        if isinstance(bundle, oldmemo.oldmemo.BundleImpl):
            node = f"{NS_LEGACY}.bundles:{bundle.device_id}"
            await XMPP.publish(node, "current", to_slix(oldmemo.etree.serialize_bundle(bundle)), {"pubsub#access_model": "open"})
        else:
            await XMPP.publish(f"{NS_TWO}:bundles", str(bundle.device_id), to_slix(twomemo.etree.serialize_bundle(bundle)),
                               {"pubsub#access_model": "open", "pubsub#max_items": "max"})

    @staticmethod
    async def _download_bundle(namespace: str, bare_jid: str, device_id: int) -> omemo.Bundle:
        assert XMPP is not None
        try:
            if namespace == NS_LEGACY:
                items = await XMPP["xep_0060"].get_items(bare_jid, f"{NS_LEGACY}.bundles:{device_id}", max_items=1)
                el = ET.fromstring(SET.tostring(items["pubsub"]["items"]["substanzas"][0].xml[0]))
                return oldmemo.etree.parse_bundle(el, bare_jid, device_id)
            item = await XMPP["xep_0060"].get_item(bare_jid, f"{NS_TWO}:bundles", str(device_id))
            el = ET.fromstring(SET.tostring(item["pubsub"]["items"]["substanzas"][0].xml[0]))
            return twomemo.etree.parse_bundle(el, bare_jid, device_id)
        except Exception as e:  # pylint: disable=broad-except
            raise omemo.BundleDownloadFailed(f"{namespace} bundle of {bare_jid}/{device_id}: {e}") from e

    @staticmethod
    async def _delete_bundle(namespace: str, device_id: int) -> None:
        assert XMPP is not None
        try:
            if namespace == NS_LEGACY:
                await XMPP["xep_0060"].delete_node(XMPP.boundjid.bare, f"{NS_LEGACY}.bundles:{device_id}")
            else:
                await XMPP["xep_0060"].retract(XMPP.boundjid.bare, f"{NS_TWO}:bundles", str(device_id), notify=False)
        except IqError:
            pass

    @staticmethod
    async def _upload_device_list(namespace: str, device_list: Dict[int, Optional[str]]) -> None:
        assert XMPP is not None
        el = oldmemo.etree.serialize_device_list(device_list) if namespace == NS_LEGACY else twomemo.etree.serialize_device_list(device_list)
        node = f"{NS_LEGACY}.devicelist" if namespace == NS_LEGACY else f"{NS_TWO}:devices"
        await XMPP.publish(node, "current", to_slix(el), {"pubsub#access_model": "open"})

    @staticmethod
    async def _download_device_list(namespace: str, bare_jid: str) -> Dict[int, Optional[str]]:
        assert XMPP is not None
        node = f"{NS_LEGACY}.devicelist" if namespace == NS_LEGACY else f"{NS_TWO}:devices"
        try:
            items = await XMPP["xep_0060"].get_items(bare_jid, node, max_items=1)
        except IqError as e:
            if e.condition == "item-not-found":
                return {}
            raise omemo.DeviceListDownloadFailed(str(e)) from e
        subs = items["pubsub"]["items"]["substanzas"]
        if not subs or len(subs[0].xml) == 0:
            return {}
        el = ET.fromstring(SET.tostring(subs[0].xml[0]))
        return oldmemo.etree.parse_device_list(el) if namespace == NS_LEGACY else twomemo.etree.parse_device_list(el)

    async def _evaluate_custom_trust_level(self, device: omemo.DeviceInformation) -> omemo.TrustLevel:
        # Blind trust: the tests check the cryptography, not trust decisions.
        return omemo.TrustLevel.TRUSTED

    async def _make_trust_decision(self, undecided: FrozenSet[omemo.DeviceInformation], identifier: Optional[str]) -> None:
        for device in undecided:
            await self.set_trust(device.bare_jid, device.identity_key, "BLIND")

    @staticmethod
    async def _send_message(message: omemo.Message, bare_jid: str) -> None:
        assert XMPP is not None
        XMPP.send_omemo(message, bare_jid, None)


class Peer(ClientXMPP):
    def __init__(self, config: Dict[str, Any]) -> None:
        super().__init__(config["jid"], config["password"])
        self.config = config
        self.manager: Optional[SessionManager] = None
        self.nicks: Dict[str, str] = {}
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0004")
        self.register_plugin("xep_0060")
        self.register_plugin("xep_0199")
        self.register_plugin("xep_0045")
        ctx = ssl.create_default_context(cafile=config["cafile"])
        self.ssl_context = ctx
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("failed_auth", lambda _e: emit("error", error="authentication failed"))

    async def publish(self, node: str, item_id: str, payload: Any, options: Dict[str, str]) -> None:
        try:
            await self["xep_0060"].publish(self.boundjid.bare, node, id=item_id, payload=payload, options=publish_options(options))
        except IqError as e:
            if options.get("pubsub#max_items") == "max":
                await self["xep_0060"].publish(self.boundjid.bare, node, id=item_id, payload=payload,
                                               options=publish_options({**options, "pubsub#max_items": "1000"}))
            else:
                raise e

    async def on_start(self, _event: Any) -> None:
        try:
            self.send_presence()
            await self.get_roster()
            storage = MemoryStorage()
            want = self.config.get("signBit")
            seed = os.urandom(32)
            if want is not None:
                while (xeddsa.seed_to_ed25519_pub(seed)[31] >> 7) != int(want):
                    seed = os.urandom(32)
            await storage.store("/ikp/is_seed", True)
            await storage.store_bytes("/ikp/key", seed)
            versions = self.config.get("versions", ["omemo2", "legacy"])
            backends = []
            for v in versions:
                backends.append(twomemo.Twomemo(storage) if v == "omemo2" else oldmemo.Oldmemo(storage))
            self.manager = await SessionManager.create(backends, storage, self.boundjid.bare, "peer", "BLIND")
            await self.manager.after_history_sync()
            own, _others = await self.manager.get_own_device_information()
            emit("ready", deviceId=own.device_id, identity=own.identity_key.hex(), signBit=own.identity_key[31] >> 7)
            asyncio.ensure_future(self.read_commands())
        except Exception as e:  # pylint: disable=broad-except
            emit("error", error=f"start: {type(e).__name__}: {e}")

    def send_omemo(self, message: omemo.Message, bare_jid: str, body: Optional[str]) -> None:
        if message.namespace == NS_LEGACY:
            el = oldmemo.etree.serialize_message(message)
        else:
            el = twomemo.etree.serialize_message(message)
        msg = self.make_message(mto=bare_jid, mtype="chat")
        if body is not None:
            msg["body"] = "[This message is OMEMO encrypted]"
        msg.append(to_slix(el))
        store = SET.Element("{urn:xmpp:hints}store")
        msg.append(store)
        msg.send()

    async def on_message(self, msg: Any) -> None:
        if self.manager is None:
            return
        sender = msg["from"].bare
        room = None
        if msg["type"] == "groupchat":
            # XEP-0384 §6: in a (non-anonymous) room the sender is the occupant's real JID.
            room = msg["from"].bare
            nick = msg["from"].resource
            if nick == self.nicks.get(room):
                return
            real = self["xep_0045"].get_jid_property(room, nick, "jid")
            if not real:
                emit("decrypt-error", **{"from": str(msg["from"]), "error": "no real JID for the occupant"})
                return
            sender = real.bare if hasattr(real, "bare") else str(real).split("/")[0]
        for ns in (NS_TWO, NS_LEGACY):
            enc = msg.xml.find(f"{{{ns}}}encrypted")
            if enc is None:
                continue
            el = ET.fromstring(SET.tostring(enc))
            try:
                if ns == NS_LEGACY:
                    message = await oldmemo.etree.parse_message(el, sender, self.boundjid.bare, self.manager)
                else:
                    message = twomemo.etree.parse_message(el, sender)
                plaintext, device, _ = await self.manager.decrypt(message)
                body = None
                if plaintext is not None:
                    if ns == NS_LEGACY:
                        body = plaintext.decode("utf-8")
                    else:
                        env = ET.fromstring(plaintext.decode("utf-8"))
                        if env.tag != f"{{{NS_SCE}}}envelope":
                            raise ValueError(f"not an SCE envelope: {env.tag}")
                        from_el = env.find(f"{{{NS_SCE}}}from")
                        if from_el is None or from_el.get("jid") != sender:
                            raise ValueError("SCE <from/> does not name the sender")
                        b = env.find(f"{{{NS_SCE}}}content/{{jabber:client}}body")
                        body = b.text if b is not None else None
                emit("message", **{"from": sender, "room": room, "body": body, "version": NS_VERSION[ns], "deviceId": device.device_id,
                                   "identity": device.identity_key.hex(), "stanzaBody": msg["body"],
                                   "stanza": str(msg)})
            except Exception as e:  # pylint: disable=broad-except
                emit("decrypt-error", **{"from": sender, "version": NS_VERSION[ns], "error": f"{type(e).__name__}: {e}"})

    async def read_commands(self) -> None:
        loop = asyncio.get_event_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while True:
            line = await reader.readline()
            if not line:
                self.disconnect()
                return
            try:
                cmd = json.loads(line)
                await self.run_command(cmd)
            except Exception as e:  # pylint: disable=broad-except
                emit("error", error=f"{type(e).__name__}: {e}", line=line.decode("utf-8", "replace").strip())

    async def refresh(self, jid: str) -> None:
        assert self.manager is not None
        for ns in (NS_TWO, NS_LEGACY):
            try:
                await self.manager.refresh_device_list(ns, jid)
            except omemo.UnknownNamespace:
                pass

    async def run_command(self, cmd: Dict[str, Any]) -> None:
        assert self.manager is not None
        if cmd["cmd"] == "send":
            ns = VERSION_NS[cmd["version"]]
            to = cmd["to"]
            body = cmd["body"]
            if ns == NS_LEGACY:
                plaintext = body.encode("utf-8")
            else:
                env = ET.Element(f"{{{NS_SCE}}}envelope")
                content = ET.SubElement(env, f"{{{NS_SCE}}}content")
                ET.SubElement(content, "{jabber:client}body").text = body
                ET.SubElement(env, f"{{{NS_SCE}}}rpad").text = base64.b64encode(os.urandom(8)).decode()
                ET.SubElement(env, f"{{{NS_SCE}}}to", jid=to)
                ET.SubElement(env, f"{{{NS_SCE}}}from", jid=self.boundjid.bare)
                plaintext = ET.tostring(env)
            # Real clients learn device lists from PEP notifications (+notify); this peer asks before each send.
            await self.refresh(to)
            messages, errors = await self.manager.encrypt(frozenset([to]), {ns: plaintext}, backend_priority_order=[ns])
            for message in messages:
                if message.namespace == ns:
                    self.send_omemo(message, to, body)
            emit("sent", to=to, version=cmd["version"], errors=[repr(e) for e in errors],
                 namespaces=[m.namespace for m in messages])
        elif cmd["cmd"] == "refresh":
            await self.refresh(cmd["jid"])
            devices = await self.manager.get_device_information(cmd["jid"])
            emit("refreshed", jid=cmd["jid"], devices=[{"id": d.device_id, "namespaces": sorted(d.namespaces),
                                                        "identity": d.identity_key.hex()} for d in devices])
        elif cmd["cmd"] == "join":
            self.nicks[cmd["room"]] = cmd["nick"]
            await self["xep_0045"].join_muc_wait(cmd["room"], cmd["nick"], maxstanzas=0)
            emit("joined", room=cmd["room"])
        elif cmd["cmd"] == "send-group":
            ns = VERSION_NS[cmd["version"]]
            room = cmd["room"]
            body = cmd["body"]
            members = frozenset(cmd["members"])
            for member in members:
                await self.refresh(member)
            if ns == NS_LEGACY:
                plaintext = body.encode("utf-8")
            else:
                env = ET.Element(f"{{{NS_SCE}}}envelope")
                content = ET.SubElement(env, f"{{{NS_SCE}}}content")
                ET.SubElement(content, "{jabber:client}body").text = body
                ET.SubElement(env, f"{{{NS_SCE}}}rpad").text = base64.b64encode(os.urandom(8)).decode()
                ET.SubElement(env, f"{{{NS_SCE}}}to", jid=room)
                ET.SubElement(env, f"{{{NS_SCE}}}from", jid=self.boundjid.bare)
                plaintext = ET.tostring(env)
            messages, errors = await self.manager.encrypt(members, {ns: plaintext}, backend_priority_order=[ns])
            for message in messages:
                if message.namespace == ns:
                    el = oldmemo.etree.serialize_message(message) if ns == NS_LEGACY else twomemo.etree.serialize_message(message)
                    out = self.make_message(mto=room, mtype="groupchat")
                    out["body"] = "[This message is OMEMO encrypted]"
                    out.append(to_slix(el))
                    out.append(SET.Element("{urn:xmpp:hints}store"))
                    out.send()
            emit("sent", to=room, version=cmd["version"], errors=[repr(e) for e in errors])
        elif cmd["cmd"] == "quit":
            self.disconnect()
        else:
            emit("error", error=f"unknown command {cmd['cmd']}")


def main() -> None:
    global XMPP  # pylint: disable=global-statement
    config = json.loads(sys.argv[1])
    XMPP = Peer(config)
    XMPP.add_event_handler("disconnected", lambda _e: XMPP.loop.stop() if XMPP else None)
    XMPP.connect((config["host"], int(config["port"])))
    XMPP.loop.run_forever()


if __name__ == "__main__":
    main()
