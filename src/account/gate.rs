//! One command at a time per account object.
//!
//! A Durable Object runs one request at a time only until that request awaits I/O outside its
//! own storage (D1, another fetch): then the runtime may deliver the next request, which would
//! load the same book and race the first one's write (a lost update, or a duplicate event id
//! failing on the primary key). Every command therefore holds this gate from start to end.
//! Single-threaded (wasm), so `Cell`/`RefCell` suffice; waiters are served in arrival order.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};

#[derive(Default)]
pub struct Gate {
    busy: Cell<bool>,
    /// Tickets in arrival order, with the waker of the task holding each.
    queue: RefCell<VecDeque<(u64, Option<Waker>)>>,
    next_ticket: Cell<u64>,
}

/// Held while a command runs; opening the gate for the next one on drop.
pub struct GateGuard {
    gate: Rc<Gate>,
}

impl Gate {
    /// Waits for the gate, then holds it until the guard is dropped.
    pub async fn enter(self: &Rc<Self>) -> GateGuard {
        let ticket = self.next_ticket.get();
        self.next_ticket.set(ticket.wrapping_add(1));
        self.queue.borrow_mut().push_back((ticket, None));
        // Leaves the queue if this future is dropped before entering (a cancelled request).
        let mut waiting = Waiting {
            gate: Rc::clone(self),
            ticket,
            entered: false,
        };
        poll_fn(|cx| {
            let first = self.queue.borrow().front().map(|(t, _)| *t);
            if !self.busy.get() && first == Some(ticket) {
                self.queue.borrow_mut().pop_front();
                self.busy.set(true);
                Poll::Ready(())
            } else {
                if let Some(slot) = self
                    .queue
                    .borrow_mut()
                    .iter_mut()
                    .find(|(t, _)| *t == ticket)
                {
                    slot.1 = Some(cx.waker().clone());
                }
                Poll::Pending
            }
        })
        .await;
        waiting.entered = true;
        GateGuard {
            gate: Rc::clone(self),
        }
    }
}

struct Waiting {
    gate: Rc<Gate>,
    ticket: u64,
    entered: bool,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if self.entered {
            return;
        }
        self.gate
            .queue
            .borrow_mut()
            .retain(|(t, _)| *t != self.ticket);
        if !self.gate.busy.get() {
            let next = self
                .gate
                .queue
                .borrow()
                .front()
                .and_then(|(_, w)| w.clone());
            if let Some(w) = next {
                w.wake();
            }
        }
    }
}

impl Drop for GateGuard {
    fn drop(&mut self) {
        self.gate.busy.set(false);
        let next = self
            .gate
            .queue
            .borrow()
            .front()
            .and_then(|(_, w)| w.clone());
        if let Some(w) = next {
            w.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::pin::pin;
    use std::task::Context;

    #[test]
    fn the_second_waits_until_the_first_is_dropped() {
        let gate = Rc::new(Gate::default());
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut first = pin!(gate.enter());
        let guard = match first.as_mut().poll(&mut cx) {
            Poll::Ready(g) => g,
            Poll::Pending => panic!("first must enter"),
        };
        let mut second = pin!(gate.enter());
        assert!(second.as_mut().poll(&mut cx).is_pending());
        drop(guard);
        assert!(second.as_mut().poll(&mut cx).is_ready());
    }

    #[test]
    fn a_cancelled_waiter_does_not_block_the_next() {
        let gate = Rc::new(Gate::default());
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        let guard = match pin!(gate.enter()).as_mut().poll(&mut cx) {
            Poll::Ready(g) => g,
            Poll::Pending => panic!("first must enter"),
        };
        {
            let mut cancelled = pin!(gate.enter());
            assert!(cancelled.as_mut().poll(&mut cx).is_pending());
        }
        let mut third = pin!(gate.enter());
        assert!(third.as_mut().poll(&mut cx).is_pending());
        drop(guard);
        assert!(third.as_mut().poll(&mut cx).is_ready());
    }
}
