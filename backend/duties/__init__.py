"""The eight duties (八个一): progress per secretary, township and county."""
