"""The agent's exceptions. Each message is one line a user can act on; the CLI prints it."""
from __future__ import annotations


class JianyipaiError(Exception):
    """Base of every error the CLI turns into a one-line message and a non-zero exit."""

    exit_code = 1


class UsageError(JianyipaiError):
    """Raised by argument and URL checks: the input itself is wrong."""

    exit_code = 2


class ConfigError(JianyipaiError):
    """Raised by agent.settings when a config file or value is invalid."""

    exit_code = 2


class BrowserNotFoundError(JianyipaiError):
    """Raised by agent.capture.browser when no Chromium can be found or started."""

    exit_code = 3


class CaptureError(JianyipaiError):
    """Raised by agent.capture when no snapshot could be made of a URL."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message, or its class name when it has none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
