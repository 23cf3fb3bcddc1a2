"""A headless Debian chromium driven through /usr/bin/chromedriver, for the console's browser tests
and its screenshots. Nothing is downloaded: the browser comes from the system's packages
(``make browser`` installs them with apt-get when they are missing)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
# Flags that work as root in a container: no sandbox, no GPU, nothing reaching out to the network.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--lang=zh-CN")
WIDTH = 1400


class BrowserMissing(RuntimeError):
    pass


def available() -> bool:
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


class Browser:
    """One chromium with a fresh profile; ``close`` removes the profile."""

    def __init__(self) -> None:
        if not available():
            raise BrowserMissing(f"{CHROMIUM} and {CHROMEDRIVER} are needed: run `make browser` "
                                 "(apt-get install chromium chromium-driver)")
        os.environ.setdefault("SE_OFFLINE", "true")  # selenium must never fetch a driver or a browser
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="console-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in (*FLAGS, f"--user-data-dir={self.profile}", f"--window-size={WIDTH},1000"):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)

    def open(self, url: str):
        self.driver.get(url)
        return self.driver

    def screenshot(self, path: Path) -> Path:
        """The whole page: the window is made as tall as the document first."""
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(WIDTH, min(max(int(height) + 40, 600), 8000))
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(WIDTH, 1000)
        return path

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)
