"""Finding and launching Chromium.

Order: an explicit path (``--browser-path``, ``JIANYIPAI_CHROMIUM``, config), Playwright's
own installed Chromium, then a system Chromium on PATH.
"""
from __future__ import annotations

import difflib
import fnmatch
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from agent.errors import BrowserNotFoundError, UsageError, first_line

SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# On a closed network Chromium's background services only produce refused connections.
QUIET_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
)


@dataclass(frozen=True)
class BrowserChoice:
    path: str | None  # None: Playwright's own default executable
    source: str  # "explicit", "playwright" or "system"


def find_chromium(explicit: str | None, playwright_default: str | None) -> BrowserChoice:
    if explicit:
        found = shutil.which(explicit) if os.sep not in explicit else explicit
        if not found or not Path(found).is_file():
            raise BrowserNotFoundError(f"browser not found at {explicit}")
        return BrowserChoice(found, "explicit")
    if playwright_default and Path(playwright_default).is_file():
        return BrowserChoice(None, "playwright")
    for name in SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return BrowserChoice(found, "system")
    raise BrowserNotFoundError(
        "no Chromium found: run `make install`, or `apt-get install chromium fonts-noto-cjk`,"
        " or set JIANYIPAI_CHROMIUM to a Chromium executable"
    )


# Features no capture needs, that cost every page. Chromium (since about 14x) preloads a
# WebUI renderer for the omnibox popup with every new window, headless too: about 0.5 s of
# CPU and a renderer's memory per page, the largest share of a short page's cost. A spare
# renderer is started after each navigation for the next one in the same browser context,
# which a one-page context never has.
DISABLED_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "SpareRendererForSitePerProcess")
# Chromium honours only the last --disable-features switch, and Playwright passes its own
# list first: ours repeats Playwright's (1.65) so that none of them is lost. A test checks the
# launched browser's command line, so a Playwright with a longer list is noticed.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin", "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled",
    "PreconnectToSearch", "msForceBrowserSignIn", "msEdgeUpdateLaunchServicesPreferredVersion",
)
_DISABLE = "--disable-features="


def launch_args(extra: list[str] | None = None, *, lean: bool = True) -> list[str]:
    """Chromium's switches: quiet on a closed network, without the features no capture needs
    (``lean``), then ``extra``; every --disable-features among them joined into one."""
    args = list(QUIET_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium's sandbox refuses to run as root
    disabled = [*PLAYWRIGHT_DISABLED_FEATURES, *DISABLED_FEATURES] if lean else []
    for arg in extra or []:
        if arg.startswith(_DISABLE):
            disabled.extend(name for name in arg[len(_DISABLE):].split(",") if name)
        else:
            args.append(arg)
    if disabled:
        args.append(_DISABLE + ",".join(dict.fromkeys(disabled)))
    return args


async def launch(playwright: Any, explicit: str | None, *, headless: bool = True,
                 extra_args: list[str] | None = None, lean: bool = True) -> Any:
    """Start Chromium through Playwright; raise BrowserNotFoundError with the reason.
    ``lean=False``: without switching off the features no capture needs (benchmarks)."""
    try:
        default = playwright.chromium.executable_path
    except Exception:  # Playwright raises when its browser was never downloaded
        default = None
    choice = find_chromium(explicit, default)
    try:
        return await playwright.chromium.launch(
            executable_path=choice.path, headless=headless, args=launch_args(extra_args, lean=lean)
        )
    except Exception as exc:
        where = choice.path or "Playwright's Chromium"
        raise BrowserNotFoundError(f"cannot start the browser {where}: {first_line(exc)}") from None


@dataclass(frozen=True)
class Device:
    """A phone or tablet of Playwright's device list (``playwright.devices``) that a capture
    poses as, and why (``--device``, or ``mobile host m.jd.com``)."""

    name: str
    descriptor: Mapping[str, Any]  # Playwright's: viewport, user_agent, device_scale_factor…
    why: str

    def options(self) -> dict[str, Any]:
        d = self.descriptor
        return {"viewport": dict(d["viewport"]), "screen": dict(d.get("screen") or d["viewport"]),
                "user_agent": d["user_agent"], "device_scale_factor": d["device_scale_factor"],
                "is_mobile": d["is_mobile"], "has_touch": d["has_touch"]}

    def manifest(self) -> dict[str, Any]:
        d = self.descriptor
        return {"name": self.name, "viewport": dict(d["viewport"]), "user_agent": d["user_agent"],
                "scale": d["device_scale_factor"], "mobile": d["is_mobile"],
                "touch": d["has_touch"], "why": self.why}


def playwright_devices() -> dict[str, Any]:
    """Playwright's device list, for checking a name before anything starts (it starts
    Playwright's driver for it: about a second)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        return dict(pw.devices)


def find_device(devices: Mapping[str, Any], name: str, why: str) -> Device:
    """The device called ``name`` (case and spacing as the user likes), or UsageError
    naming the closest ones."""
    folded = {" ".join(n.lower().split()): n for n in devices}
    exact = folded.get(" ".join(name.lower().split()))
    if exact is not None:
        return Device(exact, devices[exact], why)
    close = difflib.get_close_matches(name.lower(), list(folded), n=4, cutoff=0.5)
    names = [folded[c] for c in close] or ["iPhone 13", "Pixel 7", "Galaxy S9+", "iPad Mini"]
    raise UsageError(f"unknown device {name!r} ({why}); did you mean: {', '.join(names)}?")


def mobile_host(settings: Any, url: str) -> str | None:
    """``url``'s host when ``capture.mobile_hosts`` names it as a site for phones, else None.

    A pattern is a host name, matching that host and its subdomains (``3.cn``), or a shell
    pattern on the whole host name, where ``*`` matches any characters, dots too (``m.*``,
    ``*.m.*``, ``h5.*``). Case does not matter."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if not host:
        return None
    for pattern in settings.get("capture", "mobile_hosts"):
        p = pattern.strip().lower()
        if fnmatch.fnmatchcase(host, p) or host.endswith("." + p):
            return host
    return None


def wanted_device(settings: Any, url: str, named: str | None, why: str = "--device"
                  ) -> tuple[str, str] | None:
    """(device name, why) a capture of ``url`` poses as: ``named`` if given, else
    ``capture.mobile_device`` for a mobile host; None: the desktop browser of the settings."""
    if named:
        return named, why
    host = mobile_host(settings, url)
    if host is not None and settings.get("capture", "mobile_device"):
        return settings.get("capture", "mobile_device"), f"mobile host {host}"
    return None


def check_devices(settings: Any, urls: Iterable[str], named: str | None) -> None:
    """Raise UsageError for a device name that Playwright does not know, before anything is
    stored; Playwright is asked only when some page is to be captured as a phone."""
    wanted = {w for url in urls if (w := wanted_device(settings, url, named)) is not None}
    if wanted:
        devices = playwright_devices()
        for name, why in sorted(wanted):
            find_device(devices, name, why)


def context_options(settings: Any, device: Device | None = None, **more: Any) -> dict[str, Any]:
    """The browser-context options every capture, sign-in and report uses, from the settings;
    a ``device`` replaces the viewport and user agent with its own and adds its pixel ratio,
    touch and mobile layout.

    Downloads are never accepted and service workers never run (they would answer requests
    the capture cannot see); ``more`` adds options such as ``record_har_path``.
    """
    return {
        "viewport": {"width": settings.get("browser", "viewport_width"),
                     "height": settings.get("browser", "viewport_height")},
        "locale": settings.get("browser", "locale"),
        "timezone_id": settings.get("browser", "timezone"),
        "user_agent": settings.get("browser", "user_agent"),
        "ignore_https_errors": settings.get("browser", "ignore_https_errors"),
        "accept_downloads": False,
        "service_workers": "block",
        **(device.options() if device is not None else {}),
        **more,
    }


class Chromium:
    """Playwright and one launched Chromium: ``async with Chromium(settings, headless=…) as b:``."""

    def __init__(self, settings: Any, *, headless: bool | None = None) -> None:
        self.settings = settings
        self.headless = settings.get("browser", "headless") if headless is None else headless
        self._pw_cm: Any = None
        self.playwright: Any = None
        self.browser: Any = None

    async def __aenter__(self) -> Any:
        from playwright.async_api import async_playwright

        self._pw_cm = async_playwright()
        pw = self.playwright = await self._pw_cm.__aenter__()
        try:
            self.browser = await launch(pw, self.settings.get("browser", "path"),
                                        headless=self.headless,
                                        extra_args=self.settings.get("browser", "extra_args"))
        except BaseException:
            await self._pw_cm.__aexit__(None, None, None)
            raise
        return self.browser

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self.browser is not None:
                await self.browser.close()
        except Exception:
            pass  # the browser already went away; nothing of ours is lost with it
        finally:
            await self._pw_cm.__aexit__(None, None, None)
