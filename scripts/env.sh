# Sourced by the scripts: Open MPI may run as root here (containers, CI) and with more ranks
# than cores (the tests use 1-4 ranks on 2 cores).
export OMPI_ALLOW_RUN_AS_ROOT=1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
# No InfiniBand or high-speed fabric on these machines: keep Open MPI from probing for one.
export OMPI_MCA_btl=self,vader,tcp
export OMPI_MCA_btl_tcp_if_include=lo
