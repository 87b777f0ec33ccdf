"""What grading suites are written with: the pytest plugin, the learner handle, feedback and checks."""
