"""Layouts: where a CMS family puts an article's fields, one module per family
(:mod:`.sitepark`, :mod:`.oldcms`), the generic rules for any page with a visible title
(:mod:`.generic`), old table layouts without one (:mod:`.tables`), and a site profile's
selectors, which override them field by field (:mod:`.profiled`)."""
