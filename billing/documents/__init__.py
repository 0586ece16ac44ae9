"""Invoice documents (BIL-6): the EN 16931 e-invoice (CII, Factur-X/ZUGFeRD profile EN16931),
its local validation, and the PDF/A-3 that carries it."""
