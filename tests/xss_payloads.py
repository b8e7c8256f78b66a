"""Script-injection payloads: what a hostile author might type in a text or rich-text field."""

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '"><script>alert(1)</script>',
    "<iframe src=javascript:alert(1)>",
    '<a href="  JaVaScRiPt:alert(1)">y</a>',
    '<math><mi xlink:href="javascript:alert(1)">z</mi></math>',
    "<details open ontoggle=alert(1)>",
    '<p style="x">style</p>',
]
CORPUS = " ".join(PAYLOADS)
