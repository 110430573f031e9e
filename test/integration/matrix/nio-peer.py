#!/usr/bin/python3
"""An independent Olm/Megolm peer for natter's Matrix tests: matrix-nio with libolm (Debian python3-matrix-nio,
python3-olm). It logs in, joins the first room it is invited to, waits for the peer user to be a member, sends
"hello from nio" (end-to-end encrypted), and reports what it sees as JSON lines on stdout until it has received
a message containing the text given as the last argument, or the deadline passes.

Usage: nio-peer.py <homeserver url> <user id> <password> <store dir> <peer user id> <expected text>
"""
import asyncio
import json
import sys
import time

from nio import AsyncClient, AsyncClientConfig, LoginResponse, MegolmEvent, RoomMessageText


def out(obj):
    print(json.dumps(obj), flush=True)


async def main():
    hs, user, password, store, peer, expected = sys.argv[1:7]
    client = AsyncClient(hs, user, store_path=store, config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True))
    resp = await client.login(password, device_name="nio-peer")
    if not isinstance(resp, LoginResponse):
        out({"event": "error", "error": str(resp)})
        return 1
    out({"event": "login", "device_id": resp.device_id})
    state = {"room": None, "sent": False, "received": False}

    async def on_text(room, event):
        out({"event": "message", "room": room.room_id, "sender": event.sender, "body": event.body,
             "decrypted": bool(getattr(event, "decrypted", False))})
        if expected in event.body and event.sender == peer:
            state["received"] = True

    async def on_undecryptable(room, event):
        out({"event": "undecryptable", "room": room.room_id, "sender": event.sender, "session_id": event.session_id})

    client.add_event_callback(on_text, RoomMessageText)
    client.add_event_callback(on_undecryptable, MegolmEvent)

    deadline = time.time() + 150
    first = True
    while time.time() < deadline and not (state["sent"] and state["received"]):
        await client.sync(timeout=1000, full_state=first)
        first = False
        if client.should_upload_keys:
            await client.keys_upload()
        if client.should_query_keys:
            await client.keys_query()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())
        for room_id in list(client.invited_rooms):
            await client.join(room_id)
            state["room"] = room_id
            out({"event": "joined", "room": room_id})
        room = client.rooms.get(state["room"]) if state["room"] else None
        if room and not state["sent"] and peer in room.users and room.encrypted:
            await client.joined_members(room.room_id)
            if client.should_query_keys:
                await client.keys_query()
            r = await client.room_send(room.room_id, "m.room.message", {"msgtype": "m.text", "body": "hello from nio"},
                                       ignore_unverified_devices=True)
            out({"event": "sent", "response": type(r).__name__, "event_id": getattr(r, "event_id", None)})
            state["sent"] = True
    await client.close()
    out({"event": "done", "sent": state["sent"], "received": state["received"]})
    return 0 if state["sent"] and state["received"] else 2


sys.exit(asyncio.run(main()))
