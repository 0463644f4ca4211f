"""Checks the sample plan report that PlanReport.Sample writes.

The HTML page must be well-formed XML (so every name is escaped and every
element closed), self-contained (no scripts, links or URLs), and hold the
charts and one table row per layer; the JSON must parse and agree with the
page; the terminal summaries must fit one screen.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

d = sys.argv[1]
for page in ("plan.html", "infeasible.html", "kl.html"):
    text = open(f"{d}/{page}", encoding="utf-8").read()
    assert text.startswith("<!DOCTYPE html>\n"), page
    root = ET.fromstring(text[len("<!DOCTYPE html>\n"):])
    assert root.tag == "html", root.tag
    for bad in ("http:", "https:", "<script", "<link", "src=", "url(",
                "@import", "<img", "<iframe", "<object", "<embed"):
        assert bad not in text, (page, bad)
    svgs = root.findall(".//svg")
    assert len(svgs) == 4, (page, len(svgs))
    for svg in svgs:
        assert svg.get("viewBox"), page

plan = json.load(open(f"{d}/plan.json", encoding="utf-8"))
root = ET.fromstring(open(f"{d}/plan.html", encoding="utf-8").read()[16:])
layers = root.find(".//table[@class='layers']")
rows = layers.findall("tr")[1:]
assert len(rows) == len(plan["layers"]) == 40, (len(rows), len(plan["layers"]))
for row, layer in zip(rows, plan["layers"]):
    cells = row.findall("td")
    # The parser undoes the escaping: names come back exactly.
    assert cells[1].text == layer["name"], (cells[1].text, layer["name"])
    assert "".join(cells[5].itertext()) == layer["chosen"]
    assert cells[6].text == layer["why"]
assert any("<" in l["name"] and "&" in l["name"] for l in plan["layers"])
# The chosen plan is marked in both Pareto plots.
assert len(root.findall(".//path[@class='chosen']")) == 2 + 2  # plots + legends
assert plan["plan"]["sqnr_db"] > 0 and plan["budgets"]["bytes"] > 0
assert plan["plan"]["bytes"] <= plan["budgets"]["bytes"]

for summary in ("summary.txt", "infeasible.txt"):
    lines = open(f"{d}/{summary}", encoding="utf-8").read().splitlines()
    assert 10 <= len(lines) <= 40, (summary, len(lines))
    assert max(len(l) for l in lines) <= 120, summary
print("plan report ok")
