"""A learned layer behind the rules: sentence classifiers trained on paraphrase suites.

The rules find what their authors foresaw; people say things in ways nobody
foresaw. This layer reads each sentence of a note with one linear classifier
per indicator, trained on how many different writers said each sign (and its
look-alikes), and reports an indicator only where no rule already found it,
or set it aside. See docs/learned-layer.md.
"""
