"""JUnit XML for CI systems that display test cases."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from verify.core.claims import Result

__all__ = ["junit_xml"]


def junit_xml(results: list[Result], wall: float) -> str:
    failures = sum(not r.verdict.ok for r in results)
    suite = ET.Element("testsuite", name="batchproof.check", tests=str(len(results)),
                       failures=str(failures), errors="0", time=f"{wall:.3f}")
    for r in results:
        tc = ET.SubElement(suite, "testcase", classname=f"batchproof.{r.claim.topic}",
                           name=r.claim.id, time=f"{r.seconds:.4f}")
        ET.SubElement(tc, "system-out").text = f"verdict: {r.verdict.value}; {r.claim.where}"
        if not r.verdict.ok:
            f = ET.SubElement(tc, "failure", message=r.reason)
            f.text = r.error or r.reason
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
