#!/usr/bin/env python3
"""A local SMTP server for brevis-notify's tests (Debian's python3-aiosmtpd).

Writes each message it accepts to DIR as NNNN.eml (the envelope recipients
first, one "X-Envelope-To:" line each, then the message as received),
through a temporary file and a rename, so a reader never sees half a file.
Refuses RCPT TO for the addresses given with --reject (550, permanent).
Prints "smtp_sink: listening on 127.0.0.1:PORT" on stderr when ready and
exits on SIGTERM.
"""
import argparse
import asyncio
import os
import signal
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, reject):
        self.directory = directory
        self.reject = set(reject)
        self.count = len([n for n in os.listdir(directory) if n.endswith(".eml")])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = os.path.join(self.directory, "%04d.eml" % self.count)
        head = "".join("X-Envelope-To: %s\r\n" % r for r in envelope.rcpt_tos)
        with open(name + ".tmp", "wb") as out:
            out.write(head.encode("ascii"))
            out.write(envelope.original_content or envelope.content)
        os.rename(name + ".tmp", name)
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--reject", action="append", default=[])
    args = parser.parse_args()
    controller = Controller(Sink(args.dir, args.reject), hostname="127.0.0.1",
                            port=args.port, decode_data=False)
    controller.start()
    print("smtp_sink: listening on 127.0.0.1:%d" % args.port, file=sys.stderr,
          flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
