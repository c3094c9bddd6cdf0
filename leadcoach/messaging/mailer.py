"""Sending over SMTP (smtplib): one connection per pass, failures sorted into temporary
(tried again later), permanent (not retried) and a refused address (remembered)."""

from __future__ import annotations

import contextlib
import hashlib
import smtplib
import ssl
from datetime import datetime
from email.header import Header
from email.message import Message
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
from types import TracebackType

from leadcoach.messaging.templates import Rendered
from leadcoach.platform.config import Settings
from leadcoach.platform.models import OutboxMessage


class SendFailure(Exception):
    """An email the mail server did not take.

    permanent: trying again will not help (a 5xx reply); refused: the address itself was
    refused; connection: the server is unreachable or went away, so the rest of the batch
    waits for the next pass."""

    def __init__(
        self, message: str, *, permanent: bool = False, refused: bool = False,
        connection: bool = False,
    ):  # fmt: skip
        super().__init__(message)
        self.permanent, self.refused, self.connection = permanent, refused, connection


def _why(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text.splitlines()[0][:300]


def message_id(message: OutboxMessage, domain: str) -> str:
    """A Message-ID derived from the outbox's unique key: a copy sent twice (a sender killed
    between the server's acceptance and its own record) carries the same one."""
    key = f"{message.recipient_id}|{message.kind}|{message.event}|{message.period}"
    return f"<leadcoach.{hashlib.sha256(key.encode()).hexdigest()[:24]}@{domain}>"


# RFC 5322's hard limit for a line is 998 characters: headers up to it stay on one line, so a
# long unsubscribe link is not folded onto a continuation line.
_UNFOLDED = compat32.clone(max_line_length=998)


def build(
    *,
    settings: Settings,
    message: OutboxMessage,
    name: str,
    email: str,
    rendered: Rendered,
    stop_url: str,
    now: datetime,
) -> Message:
    """The email itself: plain text, with headers that say it is automatic and how to stop.

    Built with the email package's compat32 classes (MIMEText, formataddr, Header), which
    encode non-ASCII names and subjects as RFC 2047 words like EmailMessage does, at a
    fraction of its header-parsing cost per message."""
    sender_address = parseaddr(settings.smtp_from)[1] or "leadcoach@localhost"
    domain = sender_address.rpartition("@")[2] or "localhost"
    mail = MIMEText(rendered.body, "plain", "utf-8", policy=_UNFOLDED)
    mail["From"] = settings.smtp_from
    mail["To"] = formataddr((name, email), charset="utf-8")
    mail["Subject"] = (
        Header(rendered.subject, "utf-8") if not rendered.subject.isascii() else (rendered.subject)
    )
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = message_id(message, domain)
    # RFC 2369 (an unsubscribe address) and RFC 3834 (no auto-replies to automatic mail).
    mail["List-Unsubscribe"] = f"<{stop_url}>"
    mail["Auto-Submitted"] = "auto-generated"
    mail["X-LeadCoach-Kind"] = message.kind
    # RFC 3282: the language the email is written in (its recipient's, issue 25).
    mail["Content-Language"] = rendered.language
    return mail


class Mailer:
    """One SMTP connection, opened on the first email and closed at the end of the pass."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:  # fmt: skip
        self.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        where = f"{s.smtp_host}:{s.smtp_port}"
        try:
            if s.smtp_security == "ssl":
                smtp = smtplib.SMTP_SSL(
                    s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds,
                    context=ssl.create_default_context(),
                )  # fmt: skip
            else:
                smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
                if s.smtp_security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password.get_secret_value())
        except smtplib.SMTPAuthenticationError as error:
            raise SendFailure(
                f"the mail server {where} refused the user name or password ({_why(error)})",
                connection=True,
            ) from error
        except (OSError, smtplib.SMTPException) as error:
            raise SendFailure(
                f"cannot reach the mail server {where} ({_why(error)})", connection=True
            ) from error
        return smtp

    def send(self, mail: Message) -> None:
        """Hand one email to the server, or raise SendFailure saying why not."""
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
            permanent = code >= 500
            raise SendFailure(
                f"the mail server refused the address ({code} {text})",
                permanent=permanent, refused=permanent,
            ) from error  # fmt: skip
        except smtplib.SMTPResponseException as error:
            text = error.smtp_error
            text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
            if error.smtp_code in (421, -1):  # the server is closing the connection
                self._drop()
                raise SendFailure(
                    f"the mail server closed the connection ({error.smtp_code} {text})",
                    connection=True,
                ) from error
            raise SendFailure(
                f"the mail server did not take the email ({error.smtp_code} {text})",
                permanent=error.smtp_code >= 500,
            ) from error
        except (OSError, smtplib.SMTPException) as error:
            # Timeouts, resets and SMTPServerDisconnected: the connection is gone.
            self._drop()
            raise SendFailure(
                f"the connection to the mail server was lost ({_why(error)})", connection=True
            ) from error

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()

    def close(self) -> None:
        """Say goodbye to the server (QUIT) and close the connection."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
