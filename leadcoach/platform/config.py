"""Typed settings, read from LEADCOACH_* environment variables (or a .env file)."""

from __future__ import annotations

from datetime import time
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The installed package: the app, its pages, the questionnaires and the migrations ship
# inside it, so LeadCoach runs from any folder once installed.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def _default_database_url() -> str:
    # Runtime data lives where the app is started (the project folder for `make run`),
    # never inside the installed package.
    return f"sqlite:///{Path.cwd() / 'data' / 'leadcoach.db'}"


class Settings(BaseSettings):
    """Every setting of LeadCoach; each is documented in the README (a test checks)."""

    model_config = SettingsConfigDict(env_prefix="LEADCOACH_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default_factory=_default_database_url,
        description="SQLAlchemy URL: SQLite under data/ by default, or postgresql+psycopg://",
    )
    assessments_dir: Path = Field(
        default=PACKAGE_ROOT / "assessments", description="folder of the questionnaire YAML files"
    )
    instrument_id: str = Field(
        default="leadcoach-core", description="which instrument supervisors take (highest version)"
    )
    reassessment_days: int = Field(
        default=90, ge=1, le=730, description="days after a submission when the next one is due"
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, le=1440, description="minutes of inactivity before a sign-in expires"
    )
    sqlite_busy_timeout_ms: int = Field(
        default=5000, ge=0, le=60000, description="how long SQLite waits for a lock before failing"
    )
    min_group_size: int = Field(
        default=3, ge=2, le=50,
        description="smallest group whose average is shown, so no one is singled out",
    )  # fmt: skip
    min_quality_sample: int = Field(
        default=30, ge=10, le=10000,
        description="fewest people a reliability or item analysis is reported on",
    )  # fmt: skip
    min_reliability: float = Field(
        default=0.70, ge=0.0, le=0.95,
        description="lowest reliability of a skill on which a change is judged real or noise",
    )  # fmt: skip
    min_norm_group: int = Field(
        default=100, ge=10, le=100000,
        description="fewest people in a norm group (site, vendor, role) before it is used",
    )  # fmt: skip
    demo_password: str = Field(
        default="coach-demo-2026", description="password of every demo account"
    )
    public_url: str = Field(
        default="http://localhost:8501",
        description="the address people open LeadCoach at; links in emails start with it",
    )
    smtp_host: str = Field(default="", description="mail server; empty: emails wait unsent")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="mail server's port")
    smtp_security: Literal["starttls", "ssl", "none"] = Field(
        default="starttls", description="STARTTLS after connecting, SSL from the start, or none"
    )
    smtp_user: str = Field(default="", description="user name at the mail server, if any")
    smtp_password: SecretStr = Field(default=SecretStr(""), description="its password")
    smtp_from: str = Field(
        default="LeadCoach <leadcoach@localhost>", description="the From address of emails"
    )
    smtp_timeout_seconds: float = Field(
        default=20.0, gt=0, le=300, description="how long to wait for the mail server"
    )
    quiet_hours_start: time = Field(
        default=time(20, 0), description="from this local time on, no email is sent"
    )
    quiet_hours_end: time = Field(
        default=time(8, 0), description="until this local time, no email is sent"
    )
    default_time_zone: str = Field(
        default="UTC", description="IANA time zone of people whose profile names none"
    )
    secret_key: SecretStr = Field(
        default=SecretStr(""),
        description="signs one-click unsubscribe links; generated and kept in the database "
        "when empty",
    )
    draft_reminder_days: int = Field(
        default=3, ge=1, le=60, description="days an assessment lies half-finished before a nudge"
    )
    # --- multi-rater (360) feedback, issue 22 ---
    min_raters: int = Field(
        default=3, ge=2, le=50,
        description="fewest raters of a group (peers, agents, counterparts) whose answers are "
        "shown, and the fewest a coach may approve for peers and agents",
    )  # fmt: skip
    max_raters: int = Field(
        default=12, ge=2, le=100, description="most raters of one group in a feedback round"
    )
    rater_fatigue_limit: int = Field(
        default=3, ge=1, le=50,
        description="feedback rounds one person may be asked to rate in the fatigue period "
        "before the nomination is flagged",
    )  # fmt: skip
    rater_fatigue_days: int = Field(
        default=90, ge=7, le=730, description="the rater-fatigue period, in days"
    )
    rater_reminder_days: int = Field(
        default=4, ge=1, le=60,
        description="days between reminders to a rater who has not answered yet",
    )  # fmt: skip
    # --- issue 25 (languages) ---
    min_dif_group: int = Field(
        default=100, ge=20, le=100000,
        description="fewest people answering in a language, and in English, before its "
        "statements are checked for differential item functioning",
    )  # fmt: skip

    @field_validator("default_time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"{value!r} is not an IANA time zone (e.g. Europe/London)") from error
        return value

    @property
    def smtp_configured(self) -> bool:
        """True when a mail server is set, so emails are sent and not only queued."""
        return bool(self.smtp_host.strip())

    @property
    def is_sqlite(self) -> bool:
        """True when the database is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings read from the environment (tests build their own)."""
    return Settings()
