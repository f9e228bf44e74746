"""Graduate retention (十万大学生留呼工程 / 丁香扎根计划): one registration per citizen, and
public progress against the 100,000 target."""
