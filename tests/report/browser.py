#!/usr/bin/python3
"""Opens a telrisk report in headless Chromium (Debian's chromium and chromedriver, through
Selenium) and fails on any console error, any image or plot that does not render, any link to a
PNG or CSV that is not there, or a section missing; keeps a screenshot of the whole page.

usage: browser.py REPORT_DIR SCREENSHOT.png SECTION_ID..."""
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000",
                "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


FIGURES_JS = """
const out = [];
for (const f of document.querySelectorAll('figure')) {
  const svg = f.querySelector('svg');
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  out.push([f.id, box.width, box.height, svg ? svg.querySelectorAll('text').length : 0]);
}
return out;"""
IMAGES_JS = """
return Array.from(document.images).map(i => [i.src, i.complete && i.naturalWidth > 0]);"""
LINKS_JS = """
return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'));"""


def check_page(driver, folder, sections):
    figures = driver.execute_script(FIGURES_JS)
    check(len(figures) > 0, "the page has plots")
    for name, width, height, texts in figures:
        check(width > 100 and height > 50 and texts > 0,
              f"{name}: rendered {width:.0f} x {height:.0f} px with {texts} labels")
    for src, ok in driver.execute_script(IMAGES_JS):
        check(ok, f"image {src} loads")
    for href in driver.execute_script(LINKS_JS):
        if not href.startswith("#"):
            check(os.path.exists(os.path.join(folder, href)), f"link {href} exists")
        else:
            check(driver.execute_script(f"return !!document.getElementById('{href[1:]}')"),
                  f"anchor {href} exists")
    for s in sections:
        check(driver.execute_script(f"return !!document.getElementById('{s}')"),
              f"section {s} is on the page")
    pngs = len(os.listdir(os.path.join(folder, "png")))
    check(pngs == len(figures), f"{len(figures)} plots on the page, {pngs} PNG files")
    return len(figures)


def screenshot(driver, path):
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(height, 16000))  # Chromium's largest capture
    driver.save_screenshot(path)
    return height


def main():
    folder, shot, sections = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3:]
    driver = browser()
    try:
        driver.get("file://" + os.path.join(folder, "report.html"))
        n = check_page(driver, folder, sections)
        height = screenshot(driver, shot)
        for entry in driver.get_log("browser"):
            check(entry["level"] not in ("SEVERE", "WARNING"), f"console: {entry['message']}")
    finally:
        driver.quit()
    print(f"browser: {n} plots rendered, page {height} px high, screenshot {shot}, "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
