from common.migrations import run_env
from services.jobs.models import Base

run_env(Base.metadata)
