KB_SEARCH.shard(["eu",{"europe":[1,4,2,6]}]);
