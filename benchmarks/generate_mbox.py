"""Generate a deterministic Gmail-Takeout-style mbox of a requested size for benchmarks.

The mix follows what a Takeout export holds: ``From <id>@xxx <date>`` separators, X-GM-THRID
and X-Gmail-Labels first, Gmail's long Received/ARC/DKIM header blocks, threads with
In-Reply-To/References, about 30% mailing-list mail (List-Id), automated notifications,
sent mail, a little spam and a few drafts, RFC 2047 encoded names, multipart bodies with
base64 attachments in about 10% of messages, and unescaped ``From `` lines in bodies.
Correspondents are drawn from 20,000 people, a few frequent and most rare (Zipf): some
5,000 distinct addresses in 1 GiB. About 60 KB per message on average, most of it in
attachments.

Usage: python benchmarks/generate_mbox.py [--size-mb 1024] [--out PATH] [--seed N] [--crlf]
       [--attachments PERCENT]   (default 10; 0 gives an archive of small text messages)
The same arguments give the same bytes (on the same Python minor version).
"""

from __future__ import annotations

import argparse
import base64
import bisect
import os
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = Path("/tmp/ties-bench/takeout-1g.mbox")
ME_NAME, ME_ADDR = "Alex Morgan", "alex.morgan@gmail.com"


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


FIRST = _words(
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Chris Karen Daniel Lisa Matthew Nancy Anthony "
    "Sandra Mark Ashley Paul Emily Steven Donna Andrew Michelle Joshua Carol Kevin Amanda Brian "
    "Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Sharon Ryan Laura Jacob "
    "Cynthia Gary Amy Nicholas Kathleen Eric Angela Jonathan Anna Priya Rahul Wei Mei Hiroshi "
    "Yuki Lars Ingrid Pierre Camille Marco Giulia Ahmed Fatima Olu Amara Diego Lucia Sven Nora"
)
LAST = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Patel Shah "
    "Kumar Chen Wang Tanaka Sato Larsen Berg Dubois Laurent Rossi Bianchi Khan Okafor Silva"
)
# Names that travel as RFC 2047 encoded-words (or raw 8-bit, as some mailers send them).
INTERNATIONAL = _words(
    "Jürgen Müller,François Lefèvre,José García,Zoë Åberg,Łukasz Wójcik,Søren Kierkegård,"
    "Ana Conceição,İlker Çelik,Dvořák Jiří,Mäkelä Päivi,张伟,王芳,李娜,Наталья Иванова,"
    "Дмитрий Смирнов,佐藤 健,田中 美咲,김민준,Αλέξανδρος Παπαδόπουλος,Ολγα Νικολάου",
    sep=",",
)
COMPANIES = _words(
    "northwind contoso fabrikam initech globex umbrella hooli piedpiper acme stark wayne "
    "wonka tyrell cyberdyne soylent aperture blackmesa oscorp vandelay prestige"
)
FREEMAIL = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "gmx.de")
TLDS = ("com", "io", "co.uk", "de", "fr", "org", "net")
WORDS = _words(
    "the of and to in is that for it as with was on be by this are from at or have an "
    "project meeting next week update thanks please review draft proposal budget quarter "
    "customer launch schedule call team agenda notes follow up attached document feedback "
    "deadline release plan question idea lunch coffee tomorrow morning afternoon Friday "
    "Monday contract invoice numbers report slides deck hiring offer travel conference"
)
LABELS_INBOX = (
    "Inbox,Opened",
    "Inbox,Unread",
    "Archived,Opened",
    "Inbox,Important,Opened",
    "Archived,Opened,Category Updates",
    "Inbox,Opened,Category Personal",
)
ATTACHMENT_TYPES = (
    ("application/pdf", "pdf"),
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
)
# Body lines that start with "From " and are no separators: an mbox writer that does not
# escape them leaves them as they are (Takeout does not escape them).
FROM_LINES = (
    "From what I remember, the numbers were fine.",
    "From Russia with love",
    "From: the desk of the project lead",
    "From here on, things change.",
    "From john.doe@example.com Mon Jan  1 10:00:00 2024\nwas the line in the old archive.",
)
POOL_BYTES = 24 << 20  # base64 text that attachments are cut from (line-aligned slices)
B64_LINE = 77  # 76 characters and a newline, as MIME encoders write base64


class Generator:
    """Messages of a Takeout export, one after another, from one seeded random stream."""

    def __init__(self, seed: int, attachments: float = 0.10):
        # Lists carry none; the others carry them so that this share of all messages does.
        self.attachment_rate = attachments / 0.7
        self.rng = random.Random(seed)
        self.when = datetime(2013, 3, 1, 8, 0, tzinfo=UTC)
        self.n = 0
        self.kinds: Counter[str] = Counter()
        self.people = [self._person(i) for i in range(20000)]
        # Zipf-like: a handful of frequent correspondents, a long tail seen once or twice.
        weights = [1.0 / (rank + 1) for rank in range(len(self.people))]
        self.cum = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.lists = [self._mailing_list(i) for i in range(60)]
        self.senders = [(f"{c.title()} <noreply@{c}.com>", f"{c}.com") for c in COMPANIES] + [
            ("GitHub <notifications@github.com>", "github.com")
        ]
        self.threads: list[dict] = []
        self.paragraphs = [self._paragraph() for _ in range(400)]
        pool = self.rng.randbytes(POOL_BYTES * 3 // 4)
        self.b64 = base64.encodebytes(pool)

    # -- building blocks --------------------------------------------------------------
    def _person(self, i: int) -> tuple[str, str]:
        rng = self.rng
        if rng.random() < 0.12:
            name = rng.choice(INTERNATIONAL)
            local = f"user{i}"
        else:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = f"{first} {last}"
            local = rng.choice((f"{first}.{last}", f"{first[0]}{last}", f"{first}{i}")).lower()
        if rng.random() < 0.5:
            domain = rng.choice(FREEMAIL)
        else:
            domain = f"{rng.choice(COMPANIES)}{i % 7 or ''}.{rng.choice(TLDS)}"
        return self._display(name), f"{local}@{domain}"

    def _display(self, name: str) -> str:
        """A name as a mail header writes it: plain, quoted, or an RFC 2047 encoded-word."""
        rng = self.rng
        if name.isascii():
            if rng.random() < 0.06:
                first, _, last = name.partition(" ")
                return f'"{last}, {first}"'
            return name if rng.random() < 0.7 else f'"{name}"'
        r = rng.random()
        if r < 0.5:
            raw = base64.b64encode(name.encode()).decode()
            return f"=?UTF-8?B?{raw}?="
        if r < 0.8 or not _latin1(name):
            q = "".join(
                c if c.isascii() and c.isalnum() else ("_" if c == " " else _qp(c, "utf-8"))
                for c in name
            )
            return f"=?utf-8?Q?{q}?="
        q = "".join(
            c if c.isascii() and c.isalnum() else ("_" if c == " " else _qp(c, "latin-1"))
            for c in name
        )
        return f"=?ISO-8859-1?Q?{q}?="

    def _mailing_list(self, i: int) -> dict:
        topic = self.rng.choice(("dev", "announce", "users", "news", "digest", "community"))
        org = self.rng.choice(COMPANIES + ["python", "apache", "linux", "rust-lang", "postgres"])
        host = f"lists.{org}.org"
        return {
            "name": f"{org}-{topic}{i}",
            "host": host,
            "from": (f"{org.title()} {topic.title()}", f"{topic}{i}@{host}"),
            "bulk": self.rng.random() < 0.5,
        }

    def _paragraph(self) -> str:
        words = [self.rng.choice(WORDS) for _ in range(self.rng.randint(12, 70))]
        # Only the FROM_LINES put "From " at the start of a body line (about 3% of messages).
        words[0] = "the" if words[0] == "from" else words[0]
        lines, line = [], ""
        for w in words:
            if len(line) + len(w) > 72:
                lines.append(line)
                line = ""
            line = f"{line} {w}" if line else w
        lines.append(line)
        text = "\n".join(lines)
        return text[0].upper() + text[1:] + "."

    def _text(self, paragraphs: int) -> str:
        return "\n\n".join(self.rng.choice(self.paragraphs) for _ in range(paragraphs))

    def _correspondent(self) -> tuple[str, str]:
        i = bisect.bisect_left(self.cum, self.rng.random() * self.cum[-1])
        return self.people[i]

    def _msgid(self, domain: str = "mail.gmail.com") -> str:
        token = "".join(self.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop0123456789_-+")
                        for _ in range(36))  # fmt: skip
        return f"<CA{token}@{domain}>"

    def _date(self, when: datetime) -> str:
        offset = self.rng.choice((-8, -7, -5, -4, 0, 0, 1, 2, 5.5, 9))
        local = when + timedelta(hours=offset)
        sign = "-" if offset < 0 else "+"
        hh, mm = int(abs(offset)), int(abs(offset) % 1 * 60)
        zone = f"{sign}{hh:02d}{mm:02d}"
        text = local.strftime(f"%a, {local.day} %b %Y %H:%M:%S {zone}")
        return text + (" (PST)" if offset == -8 and self.rng.random() < 0.5 else "")

    def _gmail_trace(self, sender: str, when: datetime) -> str:
        """The Received/ARC/DKIM block Gmail puts on every message it receives (~3 KB)."""
        rng = self.rng
        domain = sender.rsplit("@", 1)[1]
        d = self._date(when)
        sig = base64.b64encode(rng.randbytes(96)).decode()
        ip = f"209.85.{rng.randint(128, 255)}.{rng.randint(1, 254)}"
        return (
            f"Delivered-To: {ME_ADDR}\n"
            f"Received: by 2002:a05:6a10:{rng.randint(4096, 65535):x}:0:0:0:0 with SMTP id "
            f"h{rng.randint(10**6, 10**7)}pxa;\n        {d}\n"
            f"X-Google-Smtp-Source: {sig[:60]}\n"
            f"X-Received: by 2002:a17:902:e54b:b0:1d4:5b1:{rng.randint(4096, 65535):x} with SMTP "
            f"id n11-20020a170902e54b00b001d405b11234mr{rng.randint(10**6, 10**7)}plf.12."
            f"{int(when.timestamp())}000;\n        {d}\n"
            f"ARC-Seal: i=1; a=rsa-sha256; t={int(when.timestamp())}; cv=none;\n"
            f"        d=google.com; s=arc-20160816;\n        b={sig}\n         {sig[::-1]}\n"
            "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com; "
            "s=arc-20160816;\n        h=to:subject:message-id:date:from:mime-version"
            f":dkim-signature;\n        bh={sig[:44]};\n        b={sig[8:]}\n"
            "ARC-Authentication-Results: i=1; mx.google.com;\n"
            f"       dkim=pass header.i=@{domain} header.s=20230601 header.b={sig[:8]};\n"
            f"       spf=pass (google.com: domain of {sender} designates {ip} as permitted "
            f"sender) smtp.mailfrom={sender};\n"
            f"       dmarc=pass (p=NONE sp=QUARANTINE dis=NONE) header.from={domain}\n"
            f"Return-Path: <{sender}>\n"
            f"Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [{ip}])\n"
            "        by mx.google.com with SMTPS id a1-20020a170902e54b00b001d405b1"
            f"{rng.randint(10**6, 10**7)}sor.12.2024.01.01.10.00.00\n        for <{ME_ADDR}>\n"
            f"        (Google Transport Security);\n        {d}\n"
            f"Received-SPF: pass (google.com: domain of {sender} designates {ip} as permitted "
            f"sender) client-ip={ip};\n"
            "Authentication-Results: mx.google.com;\n"
            f"       dkim=pass header.i=@{domain} header.s=20230601 header.b={sig[:8]};\n"
            f"       spf=pass (google.com: domain of {sender} designates {ip} as permitted "
            f"sender) smtp.mailfrom={sender}\n"
            f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\n"
            f"        d={domain}; s=20230601; t={int(when.timestamp())}; x="
            f"{int(when.timestamp()) + 604800};\n"
            "        h=to:subject:message-id:date:from:mime-version:from:to:cc:subject\n"
            "         :date:message-id:reply-to;\n"
            f"        bh={sig[4:48]};\n        b={sig}\n         {sig[:60]}==\n"
            f"X-Gm-Message-State: AOJu0Y{sig[:64]}\n"
        )

    def _body(self, kind: str) -> tuple[str, str]:
        """(Content-Type header value, body) for one message."""
        rng = self.rng
        boundary = f"000000000000{rng.getrandbits(64):016x}"
        if kind == "list":
            paragraphs = rng.randint(4, 14)
            rows = rng.randint(20, 120)
        else:
            paragraphs = max(1, int(rng.lognormvariate(0.9, 0.7)))
            rows = 0
        text = self._text(paragraphs)
        if rng.random() < 0.03:
            text += "\n\n" + rng.choice(FROM_LINES) + "\n" + self._text(1)
        if kind == "list" or rng.random() < 0.8:
            html_parts = "".join(
                f'<tr><td style=3D"padding:8px;font-family:Arial,sans-serif">{p}</td></tr>\n'
                for p in (rng.choice(self.paragraphs).replace("\n", " ") for _ in range(rows))
            )
            html = (
                '<div dir=3D"ltr">'
                + text.replace("\n\n", '</div>\n<div dir=3D"ltr">').replace("\n", " ")
                + "</div>\n"
                + (f"<table>\n{html_parts}</table>\n" if html_parts else "")
            )
            html = "=\n".join(html[i : i + 75] for i in range(0, len(html), 75))
            alternative = (
                f'--{boundary}\nContent-Type: text/plain; charset="UTF-8"\n\n{text}\n\n'
                f'--{boundary}\nContent-Type: text/html; charset="UTF-8"\n'
                f"Content-Transfer-Encoding: quoted-printable\n\n{html}\n--{boundary}--\n"
            )
            ctype, body = f'multipart/alternative; boundary="{boundary}"', alternative
        else:
            ctype, body = 'text/plain; charset="UTF-8"', text + "\n"
        if kind != "list" and rng.random() < self.attachment_rate:
            outer = f"000000000000{rng.getrandbits(64):016x}"
            parts = [f"--{outer}\nContent-Type: {ctype}\n\n{body}\n"]
            for _ in range(1 if rng.random() < 0.8 else rng.randint(2, 3)):
                mime, ext = rng.choice(ATTACHMENT_TYPES)
                raw_bytes = min(int(rng.lognormvariate(11.9, 1.1)), 10 << 20)  # median ~150 KB
                lines = max(1, raw_bytes * 4 // 3 // (B64_LINE - 1))
                start = rng.randrange(0, len(self.b64) // B64_LINE - lines) * B64_LINE
                data = self.b64[start : start + lines * B64_LINE].decode("ascii")
                name = f"{rng.choice(WORDS)}-{rng.randint(1, 999)}.{ext}"
                parts.append(
                    f'--{outer}\nContent-Type: {mime}; name="{name}"\n'
                    f'Content-Disposition: attachment; filename="{name}"\n'
                    "Content-Transfer-Encoding: base64\n"
                    f"X-Attachment-Id: f_{rng.getrandbits(40):x}\n"
                    f"Content-ID: <f_{rng.getrandbits(40):x}>\n\n{data}"
                )
            self.kinds["with_attachment"] += 1
            ctype, body = f'multipart/mixed; boundary="{outer}"', "".join(parts) + f"--{outer}--\n"
        return ctype, body

    # -- one message ------------------------------------------------------------------
    def message(self) -> str:
        rng = self.rng
        self.n += 1
        self.when += timedelta(seconds=rng.expovariate(1 / 7200))
        when = self.when
        gm_id = 1_400_000_000_000_000_000 + int(when.timestamp()) * 1000 + rng.randint(0, 999)
        r = rng.random()
        kind = (
            "list" if r < 0.30
            else "automated" if r < 0.38
            else "sent" if r < 0.58
            else "spam" if r < 0.59
            else "draft" if r < 0.595
            else "inbound"
        )  # fmt: skip
        self.kinds[kind] += 1
        thread = None
        if kind in ("sent", "inbound") and self.threads and rng.random() < 0.4:
            thread = rng.choice(self.threads)
        headers: list[str] = []
        extra: list[str] = []
        cc = []
        if kind == "list":
            lst = rng.choice(self.lists)
            poster = self._correspondent() if not lst["bulk"] else lst["from"]
            frm = f"{poster[0]} <{poster[1]}>"
            to = f"{lst['name']} <{lst['from'][1]}>"
            subject = f"[{lst['name']}] {rng.choice(self.paragraphs)[:50].replace(chr(10), ' ')}"
            envelope = f"{lst['name']}-bounces+alex.morgan=gmail.com@{lst['host']}"
            extra += [
                f"List-Id: {lst['name']} <{lst['name']}.{lst['host']}>",
                f"List-Unsubscribe: <mailto:{lst['name']}-request@{lst['host']}"
                "?subject=unsubscribe>,"
                f"\n <https://{lst['host']}/mailman/options/{lst['name']}>",
                f"List-Post: <mailto:{lst['from'][1]}>",
                f'Sender: "{lst["name"]}" <{envelope}>',
            ]
            if lst["bulk"]:
                extra.append("Precedence: bulk")
            labels = rng.choice(("Archived,Opened,Category Forums", "Inbox,Unread,Category Forums",
                                 "Category Promotions,Unread"))  # fmt: skip
            trace_from = envelope
        elif kind == "automated":
            frm, domain = rng.choice(self.senders)
            to = f"{ME_NAME} <{ME_ADDR}>"
            subject = f"Your {rng.choice(WORDS)} {rng.choice(('receipt', 'alert', 'update'))}"
            labels = rng.choice(("Archived,Opened,Category Updates", "Inbox,Category Updates"))
            trace_from = f"bounces+{rng.getrandbits(32):x}@{domain}"
        elif kind == "sent" or kind == "draft":
            frm = f"{ME_NAME} <{ME_ADDR}>"
            rcpts = [self._correspondent() for _ in range(1 if rng.random() < 0.75 else 3)]
            if thread and thread["who"]:
                rcpts[0] = thread["who"]
            to = ", ".join(f"{n} <{a}>" for n, a in rcpts[:2])
            cc = rcpts[2:]
            subject = thread["subject"] if thread else self._subject()
            labels = "Sent" if kind == "sent" else "Drafts"
            trace_from = None
        else:
            person = self._correspondent()
            if thread and thread["who"] and rng.random() < 0.7:
                person = thread["who"]
            frm = f"{person[0]} <{person[1]}>" if rng.random() < 0.97 else person[1]
            to = f"{ME_NAME} <{ME_ADDR}>"
            if rng.random() < 0.25:
                cc = [self._correspondent() for _ in range(rng.randint(1, 4))]
            subject = thread["subject"] if thread else self._subject()
            labels = "Spam" if kind == "spam" else rng.choice(LABELS_INBOX)
            trace_from = person[1]
        msgid = self._msgid() if kind in ("sent", "draft", "inbound") else self._msgid(
            f"{rng.choice(COMPANIES)}.mail.example"
        )  # fmt: skip
        if thread is None:
            thread = {"thrid": gm_id, "subject": subject, "refs": [], "who": None}
            if kind in ("sent", "inbound"):
                self.threads.append(thread)
                if len(self.threads) > 300:
                    self.threads.pop(0)
        else:
            subject = subject if subject.startswith("Re: ") else f"Re: {subject}"
        if thread["who"] is None and kind in ("sent", "inbound"):
            thread["who"] = rcpts[0] if kind == "sent" else person
        if thread["refs"]:
            extra.append(f"In-Reply-To: {thread['refs'][-1]}")
            extra.append("References: " + "\n ".join(thread["refs"][-8:]))
        thread["refs"].append(msgid)

        headers.append(f"X-GM-THRID: {thread['thrid']}")
        headers.append(f"X-Gmail-Labels: {labels}")
        if trace_from is not None:
            headers.append(self._gmail_trace(trace_from, when).rstrip("\n"))
        ctype, body = self._body(kind)
        headers.append("MIME-Version: 1.0")
        headers.append(f"From: {frm}")
        headers.append(f"Date: {self._date(when)}")
        if rng.random() < 0.99:
            headers.append(f"Message-ID: {msgid}")
        headers.append(f"Subject: {subject}")
        headers.append(f"To: {to}")
        if cc:
            headers.append("Cc: " + ",\n\t".join(f"{n} <{a}>" for n, a in cc))
        headers += extra
        headers.append(f"Content-Type: {ctype}")
        sep = f"From {gm_id}@xxx {when.strftime('%a %b %d %H:%M:%S +0000 %Y')}"
        return sep + "\n" + "\n".join(headers) + "\n\n" + body + "\n"

    def _subject(self) -> str:
        words = [self.rng.choice(WORDS) for _ in range(self.rng.randint(2, 7))]
        return " ".join(words).capitalize()


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _qp(char: str, charset: str) -> str:
    return "".join(f"={b:02X}" for b in char.encode(charset))


def generate(
    out: Path, size_bytes: int, seed: int = 2024, crlf: bool = False, attachments: float = 0.10
) -> dict:
    """Write messages to ``out`` until it holds at least ``size_bytes``; returns a summary."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    gen = Generator(seed, attachments)
    written = 0
    with open(tmp, "wb", buffering=8 << 20) as f:
        while written < size_bytes:
            data = gen.message().encode("utf-8")
            if crlf:
                data = data.replace(b"\n", b"\r\n")
            f.write(data)
            written += len(data)
    os.replace(tmp, out)
    return {"messages": gen.n, "bytes": written, "kinds": dict(sorted(gen.kinds.items()))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=1024, help="size in MiB (default 1024)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default {DEFAULT_OUT}")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--crlf", action="store_true", help="CRLF line endings")
    parser.add_argument(
        "--attachments", type=float, default=10, help="percent of messages with attachments"
    )
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if out == REPO or REPO in out.parents:
        parser.error(f"{out} is inside the repository; write benchmark data elsewhere")
    start = time.perf_counter()
    size = int(args.size_mb * (1 << 20))
    summary = generate(out, size, args.seed, args.crlf, args.attachments / 100)
    took = time.perf_counter() - start
    print(
        f"{out}: {summary['bytes'] / (1 << 20):.0f} MiB, {summary['messages']} messages "
        f"({summary['bytes'] / summary['messages'] / 1024:.0f} KiB each on average) in {took:.0f} s"
    )
    print("kinds:", ", ".join(f"{k} {v}" for k, v in summary["kinds"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
