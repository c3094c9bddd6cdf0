"""The interface's gettext catalogs, one folder per language (<code>/LC_MESSAGES/messages.po),
managed with Babel: `make messages` and `make catalogs` (see leadcoach/platform/i18n.py).
A package only so that the catalogs ship inside an installed LeadCoach."""
