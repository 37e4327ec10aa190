"""What the Fund publishes to everyone, without an account: its figures on the public page
and its activity file in the IATI standard. Each figure is read through the function the
dashboards and the statements already use; nothing here computes a figure of its own."""
