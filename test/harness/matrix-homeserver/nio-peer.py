#!/usr/bin/python3
"""An independent Olm/Megolm client for interop tests: matrix-nio (Debian python3-matrix-nio + python3-olm).

Usage: nio-peer.py HOMESERVER_URL USER_ID PASSWORD ROOM_ID SEND_TEXT EXPECT_TEXT STORE_DIR

Logs in, joins ROOM_ID (accepting the invite), trusts every device it sees (tests have no verification UI),
sends SEND_TEXT encrypted, and waits for an m.room.message whose decrypted body is EXPECT_TEXT. Progress is one JSON
object per line on stdout: {"ready": true, "device_id": ...} once joined with keys uploaded, {"sent": event_id},
{"received": body, "sender": ...}; exits 0 when both happened, 1 with {"error": ...} otherwise.
Run only with /usr/bin/python3 (Debian's modules load only there).
"""
import asyncio
import json
import sys

from nio import AsyncClient, AsyncClientConfig, MegolmEvent, RoomMessageText, SyncResponse


def emit(obj):
    print(json.dumps(obj), flush=True)


async def main():
    url, user_id, password, room_id, send_text, expect_text, store = sys.argv[1:8]
    client = AsyncClient(url, user_id, store_path=store, config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True))
    received = asyncio.Event()
    undecryptable = []

    def on_message(room, event):
        if room.room_id == room_id and event.body == expect_text:
            emit({"received": event.body, "sender": event.sender, "decrypted": bool(getattr(event, "decrypted", False))})
            received.set()

    def on_megolm(room, event):
        undecryptable.append(event.session_id)

    client.add_event_callback(on_message, RoomMessageText)
    client.add_event_callback(on_megolm, MegolmEvent)
    try:
        login = await client.login(password, device_name="nio peer")
        if not hasattr(login, "device_id"):
            raise RuntimeError(f"login failed: {login}")
        await sync_once(client)
        if client.should_upload_keys:
            await client.keys_upload()
        joined = await client.join(room_id)
        if not hasattr(joined, "room_id"):
            raise RuntimeError(f"join failed: {joined}")
        await sync_once(client)
        emit({"ready": True, "device_id": client.device_id})
        sent = False
        for _ in range(600):
            await sync_once(client, timeout=1000)
            trust_all(client)
            if not sent:
                resp = await client.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": send_text}, ignore_unverified_devices=True)
                if not hasattr(resp, "event_id"):
                    raise RuntimeError(f"send failed: {resp}")
                emit({"sent": resp.event_id})
                sent = True
            if received.is_set():
                return 0
        raise RuntimeError(f"timed out; undecryptable sessions: {undecryptable}")
    finally:
        await client.close()


async def sync_once(client, timeout=0):
    resp = await client.sync(timeout=timeout, full_state=client.next_batch is None)
    if not isinstance(resp, SyncResponse):
        raise RuntimeError(f"sync failed: {resp}")
    if client.should_upload_keys:
        await client.keys_upload()
    if client.should_query_keys:
        await client.keys_query()
    if client.should_claim_keys:
        await client.keys_claim(client.get_users_for_key_claiming())
    await client.send_to_device_messages()


def trust_all(client):
    for user_id in list(client.device_store.users):
        for device in client.device_store.active_user_devices(user_id):
            if device.device_id != client.device_id and not client.olm.is_device_verified(device):
                client.verify_device(device)


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main()))
    except Exception as e:  # report, never hang the test
        emit({"error": f"{type(e).__name__}: {e}"})
        sys.exit(1)
