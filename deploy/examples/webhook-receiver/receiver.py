#!/usr/bin/env python3
"""A minimal receiver of Coordination's webhook, for an SMS or messenger gateway to start from.

It checks each POST's X-Coordination-Signature (sha256=<hex HMAC-SHA256 of the raw body, keyed with
the shared secret>) in constant time, answers 401 to anything unsigned or signed otherwise, drops a
repeat of a notification it already took (by notificationId), and prints what it would send.

    WEBHOOK_SECRET='the secret set in Coordination' python3 receiver.py 8088

then, as the agency's coordinator, PUT /api/agencies/{id}/webhook {"url": "http://127.0.0.1:8088/",
"secret": "the secret set in Coordination"}. Python 3.8+, standard library only.
"""
import hashlib
import hmac
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

SECRET = os.environ["WEBHOOK_SECRET"].encode("utf-8")
seen = set()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, self.headers.get("X-Coordination-Signature", "")):
            self.send_response(401)
            self.end_headers()
            return
        notification = json.loads(body)
        if notification["notificationId"] not in seen:
            seen.add(notification["notificationId"])
            # A real gateway texts the recipient here: no name is in the payload, only the case id.
            print(f"{notification['urgency']} {notification['type']} {notification.get('caseId') or notification['itemId']} "
                  f"for {notification.get('recipient') or 'nobody on duty'}: {notification.get('ackUrl') or ''}", flush=True)
        self.send_response(204)
        self.end_headers()


if __name__ == "__main__":
    HTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 8088), Receiver).serve_forever()
