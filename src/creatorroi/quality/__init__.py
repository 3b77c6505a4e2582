"""Content and audience quality: the "Judge" step's checks on what creators posted and who
watched it. Pure functions over plain records; the services that read the store and write
results (``creatorroi.monitoring``, ``creatorroi.audience_audit``) are thin doors onto them.
"""
