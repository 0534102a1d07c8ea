"""Band screenshots of a report (docs/screenshots/{kent,wales}-band-{1400,390}.png): its header, band line and
headline cards, then the uncertainty, band and tornado sections, as headless Chromium lays them out at
one width (the other sections hidden by an added style). Usage: python band.py REPORT.html WIDTH OUT.png
"""
import subprocess, sys, tempfile
from pathlib import Path
import numpy as np
import matplotlib.image as mpimg

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1"]
KEEP = "#headline-heading, #uncertainty-heading, #band-heading, #tornado-heading"
STYLE = f"<style>main > section:not(:has({KEEP})) {{ display: none !important; }}</style>"

def main(html: Path, width: int, out: Path, height: int = 12000):
    with tempfile.TemporaryDirectory() as tmp:
        page = html.parent / f".band-{width}.html"   # beside the report: same relative links
        page.write_text(html.read_text().replace("</head>", STYLE + "</head>", 1))
        shot = Path(tmp) / "shot.png"
        subprocess.run(["chromium", *FLAGS, f"--user-data-dir={tmp}/p", f"--window-size={width},{height}",
                        f"--screenshot={shot}", page.as_uri()], capture_output=True, text=True, timeout=120)
        page.unlink()
        image = mpimg.imread(shot)
        rows = np.flatnonzero((np.abs(image[..., :3] - image[-1:, :, :3]).max(axis=(1, 2))) > 0.01)
        image = image[: rows.max() + 24]
        mpimg.imsave(out, image)
        print("wrote", out, image.shape)

if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), int(sys.argv[2]), Path(sys.argv[3]))
