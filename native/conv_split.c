/*
 * A convolution's batch split across the calling thread and the addon's helper thread (conv_dnnl.h
 * says what is guaranteed). Why not oneDNN's own OpenMP team: on the 2-vCPU machines measured, a
 * team whose second core was busy with another process made the CNN's step 2× slower (the team waits
 * at barriers for a descheduled thread), while the helper's half is taken back by the caller when the
 * helper has not started it.
 */
#include <stdlib.h>
#include <string.h>

#include "conv_dnnl.h"
#include "helper_thread.h"

typedef struct {
  conv_shape s;
  conv_operands op;
} half;

static int run_second(void *arg) {
  half *h = arg;
  return conv_run(&h->s, &h->op, 1);
}

/* The second half's weight gradients, added to the first's afterwards. Used by one split at a time. */
static float *partial = NULL;
static size_t partial_floats = 0;

/* The operands of images [from, from + s->n) of `op`. */
static conv_operands shifted(const conv_shape *whole, const conv_operands *op, int64_t from) {
  conv_operands o = *op;
  int64_t xs = whole->h * whole->w * whole->c, ys = whole->oh * whole->ow * whole->f;
  if (o.x) o.x += from * xs;
  if (o.dx) o.dx += from * xs;
  if (o.y) o.y += from * ys;
  if (o.dy) o.dy += from * ys;
  return o;
}

int conv_run_split(const conv_shape *s, const conv_operands *op) {
  if (s->n < 2) return conv_run(s, op, 1);
  int64_t n1 = (s->n + 1) / 2;
  half first = {*s, *op}, second = {*s, shifted(s, op, n1)};
  first.s.n = n1;
  second.s.n = s->n - n1;
  size_t wsize = (size_t)(s->kh * s->kw * s->c * s->f);
  int weights = op->mode == CONV_BACKWARD_WEIGHTS;
  int owner = helper_acquire(); // the partial buffer and the helper belong to one split at a time
  if (weights) {
    if (!owner) {
      // Another thread is splitting: no partial buffer; a private one keeps the same bits.
      float *own = malloc((wsize + (size_t)s->f) * sizeof(float));
      if (!own) return 1;
      second.op.dw = own;
      second.op.db = op->db ? own + wsize : NULL;
      int status = conv_run(&first.s, &first.op, 1);
      if (status == CONV_DONE) status = conv_run(&second.s, &second.op, 1);
      if (status == CONV_DONE) {
        for (size_t i = 0; i < wsize; i++) op->dw[i] += own[i];
        for (int64_t i = 0; op->db && i < s->f; i++) op->db[i] += own[wsize + i];
      }
      free(own);
      return status;
    }
    if (partial_floats < wsize + (size_t)s->f) {
      free(partial);
      partial_floats = wsize + (size_t)s->f;
      partial = malloc(partial_floats * sizeof(float));
      if (!partial) {
        partial_floats = 0;
        helper_release();
        return 1;
      }
    }
    second.op.dw = partial;
    second.op.db = op->db ? partial + wsize : NULL;
  }
  int status, second_status;
  if (owner && helper_ensure()) {
    helper_submit_task(run_second, &second);
    uint64_t t0 = helper_now_ns();
    status = conv_run(&first.s, &first.op, 1);
    second_status = helper_finish_task(helper_now_ns() - t0);
  } else {
    status = conv_run(&first.s, &first.op, 1);
    second_status = conv_run(&second.s, &second.op, 1);
  }
  if (status == CONV_DONE) status = second_status;
  if (status == CONV_DONE && weights) {
    for (size_t i = 0; i < wsize; i++) op->dw[i] += partial[i];
    for (int64_t i = 0; op->db && i < s->f; i++) op->db[i] += partial[wsize + i];
  }
  if (owner) helper_release();
  return status;
}
