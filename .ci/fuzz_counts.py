#!/usr/bin/env python3
"""Prints a schemathesis NDJSON report's test cases, checks, failures and errors per phase."""
import collections
import json
import sys

cases = collections.Counter()
checks = collections.Counter()
failures = collections.Counter()
errors = collections.Counter()
with open(sys.argv[1]) as report:
    for line in report:
        event = json.loads(line)
        if "ScenarioFinished" in event:
            scenario = event["ScenarioFinished"]
            phase = scenario["phase"]
            cases[phase] += len(scenario["recorder"].get("cases", {}))
            for results in scenario["recorder"].get("checks", {}).values():
                checks[phase] += len(results)
                failures[phase] += sum(1 for r in results if r["status"] == "failure")
            errors[phase] += scenario["status"] == "error"
        elif "NonFatalError" in event or "FatalError" in event:
            errors["(engine)"] += 1
for phase in ["examples", "coverage", "fuzzing", "stateful", "(engine)"]:
    if cases[phase] or errors[phase]:
        print(f"   {phase:>9}: {cases[phase]:>6} test cases, {checks[phase]:>7} checks, "
              f"{failures[phase]} failures, {errors[phase]} errors")
