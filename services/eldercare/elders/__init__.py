"""Elder profiles (sensitive): who may read them, family links, visits and the at-risk round."""
