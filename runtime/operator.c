/*
** runtime/operator.c — what operators share.
**
** SPDX-License-Identifier: MIT
*/
#include "runtime/operator.h"

int sl_op_finish_next_vt(sl_op *op, sl_err *err)
{
    return sl_op_finish_next(op, err);
}

int sl_op_checkpoint_next_vt(sl_op *op, sl_err *err)
{
    return sl_op_checkpoint_next(op, err);
}
