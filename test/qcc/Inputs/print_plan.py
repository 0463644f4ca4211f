"""Prints a -quant=mixed report's plan as `name=precision ...` and, with
--why LAYER, that layer's reason and its int8 cost explanation."""
import argparse
import json

ap = argparse.ArgumentParser()
ap.add_argument("report")
ap.add_argument("--why", default=None)
args = ap.parse_args()
plan = json.load(open(args.report))["plan"]
print("target", plan["target"], "plan",
      " ".join(l["name"] + "=" + l["chosen"] for l in plan["layers"]))
for l in plan["layers"]:
    if l["name"] == args.why:
        print("why", l["why"])
        print("int8 cost", l["candidates"]["int8"]["cost_why"])
