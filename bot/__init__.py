"""srm: who is responsible for a security task on AWS, and what to do about it."""
