"""Print the mutation score of the last `mutmut run` (for `make mutation`) and fail below 80%.

Killed and timed-out mutants count as caught (a mutant that makes the tests hang is found);
survivors and mutants no test reaches count against the score. docs/mutation.md explains each
survivor of the last full run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

THRESHOLD = 0.80


def main() -> int:
    mutmut = Path(sys.executable).with_name("mutmut")
    subprocess.run([str(mutmut), "export-cicd-stats"], check=True, capture_output=True)
    stats = json.loads(Path("mutants/mutmut-cicd-stats.json").read_text())
    caught = stats["killed"] + stats["timeout"]
    judged = stats["total"] - stats["skipped"]
    score = caught / judged if judged else 0.0
    verdicts = caught + stats["survived"] + stats["no_tests"] + stats["suspicious"] + \
        stats["segfault"]
    print(f"mutation score: {score:.1%} ({caught} of {judged} mutants caught: "
          f"{stats['killed']} killed, {stats['timeout']} timed out; {stats['survived']} "
          f"survived, {stats['no_tests']} reached by no test)")
    if verdicts < judged:  # an interrupted run: the mutants not yet run count as not caught
        print(f"the run is not complete: {judged - verdicts} mutants have no verdict yet "
              f"(`mutmut run` goes on where it stopped); over the {verdicts} judged: "
              f"{caught / verdicts if verdicts else 0.0:.1%}")
        return 1
    if score < THRESHOLD:
        print(f"below {THRESHOLD:.0%}: see `{mutmut} results` and docs/mutation.md")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
