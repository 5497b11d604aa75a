#!/usr/bin/env python3
"""A real SMTP server for amends-mail's tests (aiosmtpd on 127.0.0.1).

Prints the port it listens on as its first line, stores every accepted
message as NNNN.eml (the DATA bytes exactly as received, dot-unstuffed) with
NNNN.json beside it (envelope sender, recipients, login), refuses recipients
matching --tempfail with 451 and --permfail with 550, and with --user and
--password requires AUTH (plain text allowed: loopback only). Exits when its
standard input closes, so it never outlives the test that started it.

Needs: pip install aiosmtpd
"""
import argparse
import asyncio
import fnmatch
import json
import logging
import os
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, folder, tempfail, permfail):
        self.folder = folder
        self.tempfail = tempfail
        self.permfail = permfail
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.permfail and fnmatch.fnmatch(address.lower(), self.permfail):
            return "550 5.1.1 <%s>: no such mailbox here" % address
        if self.tempfail and fnmatch.fnmatch(address.lower(), self.tempfail):
            return "451 4.3.0 <%s>: mailbox busy, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, "%04d" % self.count)
        auth = session.auth_data
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "login": login}
        # Write then rename: the test never sees half a message.
        with open(base + ".json.tmp", "w") as f:
            json.dump(meta, f)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".json.tmp", base + ".json")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 Stored as %04d" % self.count


def authenticator_for(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)
    return authenticate


async def main():
    # Plain-text AUTH on loopback is the point here; keep the test output quiet.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tempfail", help="glob of recipients answered 451")
    parser.add_argument("--permfail", help="glob of recipients answered 550")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    os.makedirs(args.folder, exist_ok=True)

    handler = Sink(args.folder, args.tempfail, args.permfail)
    auth = authenticator_for(args.user, args.password) if args.user else None

    def factory():
        return SMTP(handler, hostname="sink.amends.test", decode_data=False,
                    authenticator=auth, auth_required=bool(auth), auth_require_tls=False)

    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, "127.0.0.1", args.port)
    print(server.sockets[0].getsockname()[1], flush=True)

    stdin_closed = loop.create_future()

    def watch_stdin():
        sys.stdin.buffer.read()
        loop.call_soon_threadsafe(stdin_closed.set_result, None)

    loop.run_in_executor(None, watch_stdin)
    await stdin_closed
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
