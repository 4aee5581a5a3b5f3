"""Hostile strings for the browser tests: each would run script (or a spreadsheet formula) if a
page, export or report put it out unescaped. Every payload carries its marker ``xss-N``."""

from __future__ import annotations

import re

MARKER = re.compile(r"xss-(\d+)")

PAYLOADS: tuple[str, ...] = (
    "<script>alert('xss-1')</script>",
    "<img src=x onerror=alert('xss-2')>",
    "<svg onload=alert('xss-3')>",
    "<svg/onload=window.__xss='xss-4'>",
    "\"><script>alert('xss-5')</script>",
    "'><img src=x onerror=alert('xss-6')>",
    "</textarea><script>alert('xss-7')</script>",
    "</title><script>alert('xss-8')</script>",
    "<iframe srcdoc=\"<script>parent.alert('xss-9')</script>\"></iframe>",
    "<a href=\"javascript:alert('xss-10')\">xss-10 link</a>",
    "javascript:alert('xss-11')",
    "{{7*7}} ${7*7} <%= 7*7 %> #{7*7} {% debug %} xss-12",
    "<div style=\"background:url(javascript:alert('xss-13'))\">xss-13</div>",
    "<div style=\"width:expression(alert('xss-14'))\">xss-14</div>",
    "<img src=x onerror=\"\\u0061lert('xss-15')\">",
    "<img src=x onerror=\"&#97;&#108;&#101;&#114;&#116;('xss-16')\">",
    "\\u003cscript\\u003ealert('xss-17')\\u003c/script\\u003e",
    "<body onload=alert('xss-18')>",
    "<input autofocus onfocus=alert('xss-19')>",
    "<details open ontoggle=alert('xss-20')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-21')>",
    "<object data=\"javascript:alert('xss-22')\"></object>",
    "<embed src=\"javascript:alert('xss-23')\">",
    "<base href=\"javascript:alert('xss-24')//\">",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'xss-25\')">',
    "<ScRiPt>window.__xss='xss-26'</sCrIpT>",
    "<scr<script>ipt>alert('xss-27')</scr</script>ipt>",
    "%3Cscript%3Ealert('xss-28')%3C/script%3E",
    "&lt;script&gt;alert('xss-29')&lt;/script&gt;",
    '<svg><a xlink:href="javascript:alert(\'xss-30\')"><text x="20" y="20">xss-30</text></a></svg>',
    "<video><source onerror=alert('xss-31')></video>",
    "<audio src=x onerror=window.__xss='xss-32'>",
    '" onmouseover="alert(\'xss-33\')" autofocus onfocus="alert(\'xss-33\')" x="',
    "' autofocus onfocus='alert(\"xss-34\")' x='",
    '=HYPERLINK("https://evil.example/?xss-35","click")',
    "+cmd|'/C calc'!A0 xss-36",
    "-2+3+cmd|'/C calc'!A0 xss-37",
    "@SUM(1+1)*cmd|'/C calc'!A0 xss-38",
    "<style>@import 'javascript:alert(\"xss-39\")';</style>",
    "</script><script>alert('xss-40')</script>",
    "<b>bold</b><br><a href=\"javascript:alert('xss-41')\">chart link xss-41</a>",
    "\\\"};alert('xss-42');//",
    "<form action=\"javascript:alert('xss-43')\"><button>xss-43</button></form>",
    "<marquee onstart=alert('xss-44')>xss-44</marquee>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('xss-45')>\">",
    "<select autofocus onfocus=alert('xss-46')></select>",
    "＜script＞alert('xss-47')＜/script＞",
    "line\u2028separator\u2029</script><script>alert('xss-48')</script>",
    "<img src=x:alert(1) onerror=eval(src) alt=xss-49>",
    "<a href=\"&#106;avascript:alert('xss-50')\">xss-50</a>",
)


def markers(text: str) -> set[int]:
    """The payload numbers whose marker appears in ``text``."""
    return {int(number) for number in MARKER.findall(text)}
