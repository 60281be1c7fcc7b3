from finder import enquiry_admin  # noqa: F401
