from common.migrations import run_env
from services.childcare.models import Base

run_env(Base.metadata)
