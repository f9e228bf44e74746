from common.migrations import run_env
from services.eldercare.models import Base

run_env(Base.metadata)
