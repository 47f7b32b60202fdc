// test_cpp_api: the C++ header, with std::thread and GoogleTest.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <type_traits>
#include <vector>

#include "hermetic_pyobject_tls.hpp"

using hermetic::EnableHermeticPyObject;
using hermetic::HermeticPyObjectTLS;

static_assert(!std::is_copy_constructible<EnableHermeticPyObject>::value, "guard must not copy");
static_assert(!std::is_copy_assignable<EnableHermeticPyObject>::value, "guard must not copy");
static_assert(!std::is_move_constructible<EnableHermeticPyObject>::value, "guard must not move");

TEST(HermeticPyObjectTLS, NewThreadStartsFalse) {
  HermeticPyObjectTLS::set_state(true);
  bool seen = true;
  std::thread([&] { seen = HermeticPyObjectTLS::get_state(); }).join();
  EXPECT_FALSE(seen);
  EXPECT_TRUE(HermeticPyObjectTLS::get_state());
  HermeticPyObjectTLS::set_state(false);
}

TEST(EnableHermeticPyObject, TurnsOnAndRestoresFalse) {
  ASSERT_FALSE(HermeticPyObjectTLS::get_state());
  {
    EnableHermeticPyObject guard;
    EXPECT_TRUE(HermeticPyObjectTLS::get_state());
  }
  EXPECT_FALSE(HermeticPyObjectTLS::get_state());
}

TEST(EnableHermeticPyObject, NestsAndRestoresEachLevel) {
  ASSERT_FALSE(HermeticPyObjectTLS::get_state());
  {
    EnableHermeticPyObject outer;
    HermeticPyObjectTLS::set_state(false);  // code inside may turn it off
    {
      EnableHermeticPyObject inner;
      EXPECT_TRUE(HermeticPyObjectTLS::get_state());
    }
    EXPECT_FALSE(HermeticPyObjectTLS::get_state());  // inner restored false
  }
  EXPECT_FALSE(HermeticPyObjectTLS::get_state());  // outer restored false
  HermeticPyObjectTLS::set_state(true);
  {
    EnableHermeticPyObject guard;
    EXPECT_TRUE(HermeticPyObjectTLS::get_state());
  }
  EXPECT_TRUE(HermeticPyObjectTLS::get_state());  // restored true, not false
  HermeticPyObjectTLS::set_state(false);
}

TEST(EnableHermeticPyObject, RestoresWhenAnExceptionLeavesTheScope) {
  ASSERT_FALSE(HermeticPyObjectTLS::get_state());
  try {
    EnableHermeticPyObject guard;
    throw 42;
  } catch (int) {
  }
  EXPECT_FALSE(HermeticPyObjectTLS::get_state());
}

TEST(EnableHermeticPyObject, GuardsOnOtherThreadsDoNotInterfere) {
  constexpr int kThreads = 8;
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; i++) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 2000; round++) {
        if (i % 2 == 0) {
          EnableHermeticPyObject guard;
          if (!HermeticPyObjectTLS::get_state()) mismatches++;
        }
        if (HermeticPyObjectTLS::get_state()) mismatches++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(HermeticPyObjectTLS, InitStateFromManyThreadsNeverReverts) {
  std::vector<std::thread> threads;
  std::atomic<int> reverted{0};
  for (int i = 0; i < 8; i++) {
    threads.emplace_back([&] {
      HermeticPyObjectTLS::init_state();
      for (int j = 0; j < 1000; j++)
        if (!HermeticPyObjectTLS::have_state()) reverted++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(HermeticPyObjectTLS::have_state());
  EXPECT_EQ(reverted.load(), 0);
}

TEST(Version, MatchesHeader) {
  EXPECT_STREQ(hermetic::version(), HERMETIC_PYOBJECT_TLS_VERSION);
  EXPECT_EQ(hermetic::version_number(), unsigned{HERMETIC_PYOBJECT_TLS_VERSION_NUMBER});
}
